import { Badge, type Tone } from "@/components/ui/badge";
import type { AuditRow } from "@/lib/schemas/audit";

const TONE: Record<string, Tone> = {
  ok: "green",
  already_gone: "neutral",
  changed: "yellow",
  skipped: "yellow",
  denied: "red",
  failed: "red",
  unknown: "yellow",
};

function target(r: AuditRow): string {
  if (r.targetPid !== null) return `pid ${r.targetPid}${r.targetBackendStart ? ` (started ${r.targetBackendStart})` : ""}`;
  if (r.targetOid !== null) return `${r.targetName ?? "?"} (oid ${r.targetOid})`;
  return r.targetName ?? "";
}

/** Every value is rendered as text: names and details may come from the monitored database. */
export function AuditTable({ rows }: { rows: AuditRow[] }) {
  if (!rows.length) return <p className="text-sm text-zinc-500">No audit rows match.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="audit-table">
        <thead className="text-xs text-zinc-500">
          <tr>
            {["Time", "Row", "User", "Role", "Server / db", "Action", "Target", "Outcome", "Detail", "Client"].map((h) => (
              <th key={h} className="px-2 py-1 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
          {rows.map((r) => (
            <tr key={r.id} className="align-top">
              <td className="whitespace-nowrap px-2 py-1" title={r.at}>
                {new Date(r.at).toLocaleString()}
              </td>
              <td className="px-2 py-1 text-zinc-500">
                {r.kind}
                {r.intentId ? ` ↩${r.intentId}` : ""}
              </td>
              <td className="px-2 py-1">{r.user ?? "—"}</td>
              <td className="px-2 py-1">{r.role ?? ""}</td>
              <td className="px-2 py-1">
                {r.server ?? ""}
                {r.database ? ` / ${r.database}` : ""}
              </td>
              <td className="px-2 py-1 font-mono text-xs">{r.action}</td>
              <td className="px-2 py-1 font-mono text-xs">{target(r)}</td>
              <td className="px-2 py-1">
                {r.outcome ? <Badge tone={TONE[r.outcome] ?? "neutral"}>{r.outcome}</Badge> : <span className="text-zinc-500">intent</span>}
                {r.sqlstate ? <span className="ml-1 font-mono text-xs">{r.sqlstate}</span> : null}
              </td>
              <td className="max-w-md px-2 py-1 text-xs" title={JSON.stringify(r.params)}>
                {r.detail ?? ""}
              </td>
              <td className="px-2 py-1 font-mono text-xs">{r.client ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
