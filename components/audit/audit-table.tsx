"use client";
import { Badge, type Tone } from "@/components/ui/badge";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Timestamp, useFormatTime } from "@/components/ui/time";
import { parseTime } from "@/lib/format";
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

function Target({ r }: { r: AuditRow }) {
  const fmt = useFormatTime();
  if (r.targetPid !== null) return <>{`pid ${r.targetPid}${r.targetBackendStart ? ` (started ${fmt(parseTime(r.targetBackendStart))})` : ""}`}</>;
  if (r.targetOid !== null) return <>{`${r.targetName ?? "?"} (oid ${r.targetOid})`}</>;
  return <>{r.targetName ?? ""}</>;
}

const COLUMNS: Column<AuditRow>[] = [
  { id: "at", header: "time", cell: (r) => <Timestamp at={r.at} /> },
  { id: "kind", header: "row", className: "text-zinc-500", cell: (r) => `${r.kind}${r.intentId ? ` ↩${r.intentId}` : ""}` },
  { id: "user", header: "user", cell: (r) => r.user ?? "—" },
  { id: "role", header: "role", cell: (r) => r.role ?? "" },
  { id: "where", header: "server / db", cell: (r) => `${r.server ?? ""}${r.database ? ` / ${r.database}` : ""}` },
  { id: "action", header: "action", className: "font-mono", cell: (r) => r.action },
  { id: "target", header: "target", className: "font-mono", cell: (r) => <Target r={r} /> },
  {
    id: "outcome",
    header: "outcome",
    cell: (r) => (
      <>
        {r.outcome ? <Badge tone={TONE[r.outcome] ?? "neutral"}>{r.outcome}</Badge> : <span className="text-zinc-500">intent</span>}
        {r.sqlstate ? <span className="ml-1 font-mono">{r.sqlstate}</span> : null}
      </>
    ),
  },
  { id: "detail", header: "detail", className: "max-w-md", cell: (r) => <span title={JSON.stringify(r.params)}>{r.detail ?? ""}</span> },
  { id: "client", header: "client", className: "font-mono", cell: (r) => r.client ?? "" },
];

/** Every value is rendered as text: names and details may come from the monitored database. Newest first, as the log is kept. */
export function AuditTable({ rows, error }: { rows: AuditRow[] | undefined; error: unknown }) {
  return <DataTable columns={COLUMNS} rows={rows} rowKey={(r) => r.id} error={error} empty="No audit rows match." testId="audit-table" maxHeight="70vh" />;
}
