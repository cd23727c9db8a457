"use client";
import { Badge } from "@/components/ui/badge";
import { Section } from "@/components/ui/section";
import { SqlText } from "@/components/ui/sql-text";
import { Timestamp } from "@/components/ui/time";
import { formatBytes } from "@/lib/format";
import { qualifiedName } from "@/lib/names";
import type { IndexFinding, IndexFindings } from "@/lib/schemas/storage";

const KINDS: { kind: IndexFinding["kind"]; title: string; tone: "red" | "yellow" | "neutral" }[] = [
  { kind: "invalid", title: "Invalid indexes", tone: "red" },
  { kind: "duplicate", title: "Duplicate indexes", tone: "yellow" },
  { kind: "unused", title: "Unused indexes", tone: "neutral" },
];

/** Findings with the fix to copy: the console shows the statement, a person runs it. */
export function IndexFindingsPanel({ f }: { f: IndexFindings }) {
  return (
    <Section title="Findings">
      <p className="text-xs text-zinc-500">
        {f.note} Statistics window starts <Timestamp at={f.statsSince} /> (
        {f.statsSinceSource === "stats_reset" ? "statistics reset" : "server start"}).
      </p>
      {KINDS.map(({ kind, title, tone }) => {
        const list = f.findings.filter((x) => x.kind === kind);
        const total = f.counts[kind]; // the server sends the largest ones only
        return (
          <details key={kind} open={kind !== "unused" && list.length > 0} className="text-xs">
            <summary className="cursor-pointer py-1 font-medium">
              {title} <Badge tone={total ? tone : "green"}>{total}</Badge>
            </summary>
            {list.length === 0 ? (
              <p className="pl-4 text-zinc-500">None found.</p>
            ) : (
              <ul className="flex flex-col gap-2 pl-4">
                {list.map((x) => (
                  <li key={`${kind}-${x.oid}`} className="rounded border border-zinc-100 p-2 dark:border-zinc-800">
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="font-mono">{qualifiedName(x.schema, x.name)}</span>
                      <span className="text-zinc-500">on {qualifiedName(x.schema, x.table)}</span>
                      <span>{formatBytes(x.sizeBytes)}</span>
                    </div>
                    <p className="text-zinc-600 dark:text-zinc-400">{x.reason}</p>
                    {x.definition && <SqlText sql={x.definition} />}
                    {x.coveredBy && (
                      <p className="text-zinc-600 dark:text-zinc-400">
                        covered by <span className="font-mono">{x.coveredBy.definition || x.coveredBy.name}</span>
                      </p>
                    )}
                    <div className="mt-1">
                      <span className="text-zinc-500">fix (copy and run it yourself):</span>
                      {x.fixSql.map((s) => (
                        <SqlText key={s} sql={s} />
                      ))}
                    </div>
                  </li>
                ))}
                {total > list.length && <li className="text-zinc-500">… and {total - list.length} more (the largest are shown).</li>}
              </ul>
            )}
          </details>
        );
      })}
    </Section>
  );
}
