import type { IgnoredFinding } from "@/lib/schemas/lint";

/** Findings silenced by `-- pgwarden-lint-ignore RULE: reason` in the SQL, each with its reason. */
export function IgnoredList({ ignored }: { ignored: IgnoredFinding[] }) {
  if (ignored.length === 0) return null;
  return (
    <section data-testid="ignored-findings">
      <h2 className="mb-1 text-sm font-semibold">Ignored by comments in the SQL ({ignored.length})</h2>
      <ul className="flex flex-col gap-1 text-sm">
        {ignored.map((f, i) => (
          <li key={`${f.rule}-${f.statement}-${i}`} className="rounded border border-zinc-200 px-2 py-1 dark:border-zinc-800">
            <span className="font-mono text-xs text-zinc-500">
              {f.line}:{f.column} {f.rule}
            </span>{" "}
            <span className="text-zinc-600 line-through decoration-zinc-400 dark:text-zinc-400">{f.message}</span>
            <div className="text-xs">
              <span className="text-zinc-500">reason (line {f.ignore.line}):</span> {f.ignore.reason}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
