import type { LintFacts } from "@/lib/schemas/lint";

function name(t: { schema?: string; name: string }): string {
  return t.schema ? `${t.schema}.${t.name}` : t.name;
}

/** What the chosen database's catalog told the linter, so a finding that vanished can be explained. */
export function CatalogFacts({ facts, database }: { facts: LintFacts; database: string }) {
  const tables = new Set((facts.columns ?? []).map((c) => name(c.table)));
  const parts = [
    ...(facts.checks ?? []).map((c) => `validated CHECK ${c.name} on ${name(c.table)}${c.notNullOf ? ` (${c.notNullOf} IS NOT NULL)` : ""}`),
    ...(tables.size ? [`column types, NOT NULLs, indexes and CHECKs of ${[...tables].join(", ")}`] : []),
    ...(facts.partitionKeys ?? []).map((p) => `partition key of ${name(p.table)}: ${p.columns.join(", ") || "an expression"}`),
    ...(facts.types ?? []).map((t) => `type ${t.name}: ${t.kind}${t.hasChecks ? " with CHECK" : ""}`),
  ];
  return (
    <p className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="catalog-facts">
      Known from the catalog of {database} (what earlier migrations did): {parts.join("; ")}.
    </p>
  );
}
