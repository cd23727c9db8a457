"use client";
import { Badge } from "@/components/ui/badge";
import { FilterInput } from "@/components/ui/filter-input";
import { Pager } from "@/components/ui/pager";
import { Section } from "@/components/ui/section";
import { SqlText } from "@/components/ui/sql-text";
import { Timestamp } from "@/components/ui/time";
import { formatBytes } from "@/lib/format";
import { qualifiedName } from "@/lib/names";
import type { IndexFinding, IndexFindings } from "@/lib/schemas/storage";

const KINDS: { kind: IndexFinding["kind"]; title: string; tone: "red" | "yellow" | "neutral"; offsetKey: "invalidOffset" | "duplicateOffset" | "unusedOffset" }[] = [
  { kind: "invalid", title: "Invalid indexes", tone: "red", offsetKey: "invalidOffset" },
  { kind: "duplicate", title: "Duplicate indexes", tone: "yellow", offsetKey: "duplicateOffset" },
  { kind: "unused", title: "Unused indexes", tone: "neutral", offsetKey: "unusedOffset" },
];

export interface FindingsControls {
  limit: number;
  minFindingBytes: number | undefined;
  set: (patch: Record<string, string | number | undefined>) => void;
}

function LastUsed({ x, available }: { x: IndexFinding; available: boolean }) {
  if (!available) return null;
  return (
    <span className="text-zinc-500" data-testid="finding-last-used">
      last used {x.lastUsed ? <Timestamp at={x.lastUsed} /> : "never (in the statistics window)"}
    </span>
  );
}

/** Findings with the fix to copy: the console shows the statement, a person runs it. */
export function IndexFindingsPanel({ f, controls }: { f: IndexFindings; controls: FindingsControls }) {
  return (
    <Section title="Findings">
      {f.windowWarning && (
        <p className="rounded bg-yellow-50 px-2 py-1 text-xs text-yellow-900 dark:bg-yellow-950/40 dark:text-yellow-200" data-testid="stats-window-warning">
          {f.windowWarning}
        </p>
      )}
      <p className="text-xs text-zinc-500">
        {f.note} Statistics window starts <Timestamp at={f.statsSince} /> ({f.statsSinceSource === "stats_reset" ? "statistics reset" : "server start"}).
        {!f.lastUsedAvailable && " “Last used” needs PostgreSQL 16 (last_idx_scan)."} Largest first.
      </p>
      <div className="flex items-center gap-2 text-xs">
        <FilterInput label="min finding size (bytes)" type="number" value={controls.minFindingBytes} onCommit={(v) => controls.set({ minFindingBytes: v, unusedOffset: undefined, duplicateOffset: undefined, invalidOffset: undefined })} width="w-28" />
      </div>
      {KINDS.map(({ kind, title, tone, offsetKey }) => {
        const list = f.findings.filter((x) => x.kind === kind);
        const count = f.counts[kind];
        const hidden = f.totals[kind] - count;
        return (
          <details key={kind} open={list.length > 0} className="text-xs" data-testid={`findings-${kind}`}>
            <summary className="cursor-pointer py-1 font-medium">
              {title} <Badge tone={count ? tone : "green"}>{count}</Badge>
              {hidden > 0 && <span className="ml-2 font-normal text-zinc-500">(+{hidden} smaller than the minimum size)</span>}
            </summary>
            {list.length === 0 ? (
              <p className="pl-4 text-zinc-500">None found.</p>
            ) : (
              <ul className="flex flex-col gap-2 pl-4">
                {list.map((x) => (
                  <li key={`${kind}-${x.oid}`} className="rounded border border-zinc-100 p-2 dark:border-zinc-800" data-testid="finding">
                    <div className="flex flex-wrap items-center gap-2">
                      <span className="font-mono">{qualifiedName(x.schema, x.name)}</span>
                      <span className="text-zinc-500">on {qualifiedName(x.schema, x.table)}</span>
                      <span className="font-medium">{formatBytes(x.sizeBytes)}</span>
                      <LastUsed x={x} available={f.lastUsedAvailable} />
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
              </ul>
            )}
            {count > controls.limit && (
              <div className="py-1 pl-4">
                <Pager total={count} limit={controls.limit} offset={f.offsets[kind]} onPage={(o) => controls.set({ [offsetKey]: o || undefined })} />
              </div>
            )}
          </details>
        );
      })}
    </Section>
  );
}
