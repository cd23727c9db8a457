import { Badge } from "@/components/ui/badge";
import { formatNumber } from "@/lib/format";
import { qualifiedName } from "@/lib/names";
import type { MigrationTool } from "@/lib/schemas/migrations";
import { TimelineTable } from "./timeline-table";

export function ToolPanel({ tool, now }: { tool: MigrationTool; now: number }) {
  const bad = tool.entries.some((e) => e.state === "failed" || e.state === "dirty");
  return (
    <section
      aria-label={`${tool.label} history in ${qualifiedName(tool.schema, tool.table)}`}
      data-testid="migration-tool"
      className={`rounded border px-3 py-2 ${bad ? "border-red-400 dark:border-red-800" : "border-zinc-200 dark:border-zinc-800"}`}
    >
      <header className="flex flex-wrap items-baseline gap-2">
        <h2 className="text-base font-semibold">{tool.label}</h2>
        <span className="font-mono text-xs text-zinc-500">{qualifiedName(tool.schema, tool.table)}</span>
        {!tool.keepsHistory && <Badge tone="yellow">current version only</Badge>}
        <span className="text-xs text-zinc-500" title={`detected by ${tool.detectedBy}`}>
          {formatNumber(tool.totalRows)} rows · {tool.order}
        </span>
      </header>
      <p className="mt-0.5 text-xs text-zinc-500">
        Records: time {tool.recordsTime ? "yes" : "no"} · duration {tool.recordsDuration ? "yes" : "no"} · who ran it {tool.recordsWho ? "yes" : "no"}
      </p>
      {tool.note && <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">{tool.note}</p>}
      {!tool.readable ? (
        <p className="mt-2 rounded bg-amber-50 px-2 py-1 text-sm text-amber-900 dark:bg-amber-950/40 dark:text-amber-200">
          pgwarden&apos;s database role may not read this table. Grant it: <code className="font-mono text-xs">{tool.grant}</code>
        </p>
      ) : tool.entries.length === 0 ? (
        <p className="mt-2 text-sm text-zinc-500">The table is empty: no migration has been recorded.</p>
      ) : (
        <div className="mt-2">
          <TimelineTable tool={tool} now={now} />
          {tool.truncated && (
            <p className="mt-1 text-xs text-zinc-500">
              Showing the newest {formatNumber(tool.entries.length)} of {formatNumber(tool.totalRows)} rows (failed and dirty rows are always shown).
            </p>
          )}
        </div>
      )}
    </section>
  );
}
