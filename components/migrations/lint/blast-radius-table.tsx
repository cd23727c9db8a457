import { Badge } from "@/components/ui/badge";
import { formatBytes, formatDuration, formatNumber } from "@/lib/format";
import type { BlastRadiusEntry } from "@/lib/schemas/lint";

function name(e: BlastRadiusEntry): string {
  const schema = e.resolvedSchema ?? e.table.schema;
  return schema ? `${schema}.${e.table.name}` : e.table.name;
}

/** Per table the migration locks: how big it is and who is using it right now. */
export function BlastRadiusTable({ entries, database }: { entries: BlastRadiusEntry[]; database: string }) {
  if (entries.length === 0) {
    return <p className="text-sm text-zinc-500">The migration locks no existing table in {database}.</p>;
  }
  return (
    <table className="w-full text-left text-sm" data-testid="blast-radius">
      <thead className="text-xs text-zinc-500">
        <tr>
          <th className="pr-3">table</th>
          <th className="pr-3">lock taken</th>
          <th className="pr-3 text-right">rows (est.)</th>
          <th className="pr-3 text-right">total size</th>
          <th>sessions on it now</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={`${e.table.schema ?? ""}.${e.table.name}`} className="border-t border-zinc-200 align-top dark:border-zinc-800">
            <td className="py-1 pr-3 font-mono text-xs">
              {name(e)}
              {!e.found && <div className="font-sans text-zinc-500">not found in {database} (created by this migration?)</div>}
            </td>
            <td className="py-1 pr-3">
              <Badge tone={e.lock === "ACCESS EXCLUSIVE" ? "red" : "yellow"}>{e.lock}</Badge>
            </td>
            <td className="py-1 pr-3 text-right tabular-nums">{e.found ? formatNumber(e.estimatedRows) : "—"}</td>
            <td className="py-1 pr-3 text-right tabular-nums" title={e.sizeExact ? undefined : "estimated from relpages: another session holds or awaits ACCESS EXCLUSIVE"}>
              {e.found ? `${e.sizeExact ? "" : "≈ "}${formatBytes(e.totalBytes)}` : "—"}
            </td>
            <td className="py-1">
              {e.sessions.length === 0 ? (
                <span className="text-zinc-500">{e.found ? "none" : ""}</span>
              ) : (
                <ul className="space-y-0.5 text-xs">
                  {e.sessions.map((s) => (
                    <li key={`${s.pid}-${s.mode}`} title={s.query ?? undefined}>
                      <span className="font-mono">{s.pid}</span> {s.user ?? "?"} · {s.state ?? "?"} · {s.mode}
                      {!s.granted && <Badge tone="red">waiting</Badge>} · query {formatDuration(s.queryAgeSeconds === null ? null : s.queryAgeSeconds * 1000)}
                      {s.xactAgeSeconds !== null && <> · transaction {formatDuration(s.xactAgeSeconds * 1000)}</>}
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
