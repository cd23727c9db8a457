"use client";
import { Badge } from "@/components/ui/badge";
import { DataTable, type Column } from "@/components/ui/data-table";
import { formatDuration } from "@/lib/format";
import { useRelationUsers } from "@/lib/queries/jobs";
import type { RelationUser } from "@/lib/schemas/jobs";

const COLUMNS: Column<RelationUser>[] = [
  { id: "pid", header: "pid", className: "font-mono", sortValue: (u) => u.pid, firstDir: "asc", cell: (u) => u.pid },
  { id: "user", header: "user", sortValue: (u) => u.user, firstDir: "asc", cell: (u) => u.user },
  {
    id: "application",
    header: "application",
    sortValue: (u) => u.application,
    firstDir: "asc",
    cell: (u) => (
      <>
        {u.application} {u.console && <Badge>pgwarden</Badge>}
      </>
    ),
  },
  { id: "state", header: "state", sortValue: (u) => u.state, firstDir: "asc", cell: (u) => u.state },
  { id: "xact", header: "in transaction for", align: "right", sortValue: (u) => u.xactAgeMs, cell: (u) => formatDuration(u.xactAgeMs) },
  {
    id: "locks",
    header: "locks",
    cell: (u) => (
      <>
        {u.modes.join(", ")} {!u.granted && <Badge tone="yellow">waiting</Badge>}
      </>
    ),
  },
  { id: "query", header: "query", className: "max-w-xs font-mono", cell: (u) => <span className="line-clamp-2 break-all" title={u.query ?? ""}>{u.query}</span> },
];

/** The sessions holding or awaiting a lock on the table now: what VACUUM FULL would wait for, then block. */
export function RelationUsersList({ server, db, relid }: { server: string; db: string | undefined; relid: number }) {
  const q = useRelationUsers(server, db, relid);
  const d = q.data;
  return (
    <div className="mb-2 flex flex-col gap-1 text-sm" data-testid="relation-users">
      <p className="font-medium">
        Sessions using <span className="font-mono">{d ? (d.relation ?? `OID ${relid} (gone)`) : `OID ${relid}`}</span> now{d ? `: ${d.users.length}` : ""}
      </p>
      <DataTable columns={COLUMNS} rows={d?.users} rowKey={(u) => u.pid} rowAttrs={(u) => ({ "data-pid": u.pid })} error={q.error} empty="No session uses it." initialSort={{ key: "xact", dir: "desc" }} />
    </div>
  );
}
