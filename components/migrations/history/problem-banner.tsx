import { qualifiedName } from "@/lib/names";
import type { MigrationProblem } from "@/lib/schemas/migrations";

/** Loud, at the top: a failed or dirty migration blocks every later deploy. */
export function ProblemBanner({ problems }: { problems: MigrationProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <section
      role="alert"
      data-testid="migration-problems"
      className="rounded border-2 border-red-500 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-700 dark:bg-red-950/50 dark:text-red-100"
    >
      <h2 className="font-semibold">
        {problems.length === 1 ? "1 migration problem" : `${problems.length} migration problems`} — deploys may be blocked
      </h2>
      <ul className="mt-1 list-disc space-y-1 pl-5">
        {problems.map((p, i) => (
          <li key={`${p.schema}.${p.table}.${p.kind}.${p.version ?? ""}.${p.name ?? ""}.${i}`}>
            <span className="font-medium uppercase">{p.kind}</span>{" "}
            <span className="font-mono text-xs">{qualifiedName(p.schema, p.table)}</span>{" "}
            ({p.label}): {p.message}
          </li>
        ))}
      </ul>
    </section>
  );
}
