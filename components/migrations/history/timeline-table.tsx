import { formatDuration, formatTimestamp } from "@/lib/format";
import type { MigrationEntry, MigrationTool } from "@/lib/schemas/migrations";
import { StateBadge } from "./state-badge";

const NOT_RECORDED = "not recorded by this tool";

function NotRecorded() {
  return <span className="text-xs italic text-zinc-400">{NOT_RECORDED}</span>;
}

function When({ e, tool, now }: { e: MigrationEntry; tool: MigrationTool; now: number }) {
  if (!tool.recordsTime) return <NotRecorded />;
  if (!e.appliedAt) return <span className="text-zinc-400">—</span>;
  const at = Date.parse(e.appliedAt);
  const days = Math.floor((now - at) / 86_400_000);
  return (
    <span title={e.appliedAt} className="whitespace-nowrap tabular-nums">
      {formatTimestamp(at)}
      {days >= 1 ? <span className="ml-1 text-xs text-zinc-500">({days} d ago)</span> : null}
    </span>
  );
}

/** Columns only for what this tool records, so an empty column never looks like missing data. */
export function TimelineTable({ tool, now }: { tool: MigrationTool; now: number }) {
  const has = (k: keyof MigrationEntry) => tool.entries.some((e) => e[k] !== null && e[k] !== "");
  const cols = {
    version: has("version"),
    name: has("name"),
    description: has("description"),
    group: has("group"),
    kind: has("kind"),
    author: has("author"),
    checksum: has("checksum"),
  };
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="text-xs text-zinc-500">
          <tr className="border-b border-zinc-200 dark:border-zinc-800">
            <th className="px-2 py-1 font-medium">State</th>
            {cols.version && <th className="px-2 py-1 font-medium">Version</th>}
            {cols.name && <th className="px-2 py-1 font-medium">Name</th>}
            {cols.description && <th className="px-2 py-1 font-medium">Description</th>}
            {cols.group && <th className="px-2 py-1 font-medium">Group</th>}
            {cols.kind && <th className="px-2 py-1 font-medium">Kind</th>}
            <th className="px-2 py-1 font-medium">Applied at</th>
            {tool.recordsDuration && <th className="px-2 py-1 text-right font-medium">Duration</th>}
            {tool.recordsWho && <th className="px-2 py-1 font-medium">By</th>}
            {cols.author && <th className="px-2 py-1 font-medium">Author</th>}
            {cols.checksum && <th className="px-2 py-1 font-medium">Checksum</th>}
          </tr>
        </thead>
        <tbody>
          {tool.entries.map((e, i) => {
            const bad = e.state === "failed" || e.state === "dirty";
            return (
              <tr key={i} className={`border-b border-zinc-100 align-top dark:border-zinc-900 ${bad ? "bg-red-50 dark:bg-red-950/30" : ""}`}>
                <td className="px-2 py-1">
                  <StateBadge state={e.state} />
                </td>
                {cols.version && <td className="px-2 py-1 font-mono text-xs">{e.version ?? "—"}</td>}
                {cols.name && (
                  <td className="px-2 py-1 font-mono text-xs">
                    {e.name ?? "—"}
                    {e.error && <pre className="mt-1 max-w-xl whitespace-pre-wrap break-words text-red-700 dark:text-red-300">{e.error}</pre>}
                  </td>
                )}
                {cols.description && <td className="px-2 py-1">{e.description ?? ""}</td>}
                {cols.group && <td className="px-2 py-1 tabular-nums">{e.group ?? ""}</td>}
                {cols.kind && <td className="px-2 py-1 text-xs">{e.kind ?? ""}</td>}
                <td className="px-2 py-1">
                  <When e={e} tool={tool} now={now} />
                </td>
                {tool.recordsDuration && <td className="px-2 py-1 text-right tabular-nums">{formatDuration(e.durationMs)}</td>}
                {tool.recordsWho && <td className="px-2 py-1">{e.appliedBy ?? "—"}</td>}
                {cols.author && <td className="px-2 py-1">{e.author ?? ""}</td>}
                {cols.checksum && (
                  <td className="max-w-[10rem] truncate px-2 py-1 font-mono text-xs" title={e.checksum ?? undefined}>
                    {e.checksum ?? ""}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {!cols.name && tool.entries.some((e) => e.error) && (
        <ul className="mt-1 text-xs text-red-700 dark:text-red-300">
          {tool.entries.filter((e) => e.error).map((e, i) => (
            <li key={i} className="whitespace-pre-wrap font-mono">
              {e.version}: {e.error}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
