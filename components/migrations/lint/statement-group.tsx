import type { Finding } from "@/lib/schemas/lint";
import { FindingCard } from "./finding-card";

export interface StatementFindings {
  statement: number;
  excerpt: string;
  findings: { finding: Finding; sameAsStatement?: number }[];
}

/**
 * Findings grouped per statement, in file order (the linter sorts them). A recipe identical to
 * one shown for an earlier statement is marked, so the page folds it instead of repeating it.
 */
export function groupByStatement(findings: Finding[]): StatementFindings[] {
  const groups: StatementFindings[] = [];
  const shownIn = new Map<string, number>();
  for (const f of findings) {
    const key = f.recipe ? JSON.stringify(f.recipe) : "";
    const first = key ? shownIn.get(key) : undefined;
    if (key && first === undefined) shownIn.set(key, f.statement);
    const item = { finding: f, ...(first !== undefined && first !== f.statement ? { sameAsStatement: first } : {}) };
    const last = groups[groups.length - 1];
    if (last?.statement === f.statement) last.findings.push(item);
    else groups.push({ statement: f.statement, excerpt: f.excerpt, findings: [item] });
  }
  return groups;
}

export function StatementGroup({ group }: { group: StatementFindings }) {
  const line = Math.min(...group.findings.map((f) => f.finding.line));
  return (
    <section className="rounded border border-zinc-300 dark:border-zinc-700" data-testid="statement-group">
      <header className="border-b border-zinc-200 bg-zinc-50 px-2 py-1 dark:border-zinc-800 dark:bg-zinc-900">
        <div className="text-xs text-zinc-500">{group.statement === 0 ? `The file · line ${line}` : `Statement ${group.statement} · line ${line}`}</div>
        {group.statement > 0 && <pre className="max-h-40 overflow-auto font-mono text-xs whitespace-pre-wrap">{group.excerpt}</pre>}
      </header>
      <ul className="flex flex-col gap-2 p-2">
        {group.findings.map(({ finding, sameAsStatement }, i) => (
          <FindingCard key={`${finding.rule}-${i}`} finding={finding} sameAsStatement={sameAsStatement} />
        ))}
      </ul>
    </section>
  );
}
