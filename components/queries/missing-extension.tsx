"use client";
import type { StatementsMissing } from "@/lib/schemas/statements";

/**
 * Why the page is empty and what would fill it: the two steps (preload + restart, CREATE
 * EXTENSION), the privilege, each marked done or not as far as the console can tell.
 */
export function MissingExtension({ missing }: { missing: StatementsMissing }) {
  return (
    <section className="flex flex-col gap-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950/40" data-testid="statements-missing">
      <h2 className="font-semibold">{missing.reason === "no_snapshots" ? "No statement history yet" : "Query statistics are not available"}</h2>
      <p>{missing.message}</p>
      <p>
        With them this page lists the statements that took the most time, calls, rows, disk reads, temporary files or WAL in any
        window (15 minutes to 7 days) per database and user, each with its history, “slower since …”, the tables it reads and a
        plan. pgwarden reads pg_stat_statements once a minute and stores the differences; it never resets its statistics.
      </p>
      <ol className="flex list-decimal flex-col gap-2 pl-5">
        {missing.steps.map((s) => (
          <li key={s.title}>
            <span>{s.title}</span>{" "}
            {s.done === true && <span className="text-green-700 dark:text-green-400">(done)</span>}
            {s.done === false && <span className="text-red-700 dark:text-red-400">(to do)</span>}
            {s.sql && <pre className="mt-1 overflow-x-auto rounded bg-white p-2 font-mono text-xs dark:bg-zinc-900">{s.sql}</pre>}
          </li>
        ))}
      </ol>
    </section>
  );
}
