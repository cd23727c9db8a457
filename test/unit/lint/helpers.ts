import { lintSql, type LintOptions } from "@/lib/lint";
import type { Finding } from "@/lib/schemas/lint";

/** Findings of one rule for `sql`. */
export async function findingsOf(rule: string, sql: string, options: LintOptions = {}): Promise<Finding[]> {
  const { findings } = await lintSql(sql, options);
  return findings.filter((f) => f.rule === rule);
}

/** All SQL of a finding's recipe, joined. */
export function recipeSql(f: Finding | undefined): string {
  return (f?.recipe?.steps ?? []).flatMap((s) => (s.sql ? [s.sql] : [])).join("\n");
}
