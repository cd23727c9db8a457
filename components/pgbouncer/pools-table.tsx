"use client";
import { DataTable, type Column } from "@/components/ui/data-table";
import { formatDuration } from "@/lib/format";
import type { Pool } from "@/lib/schemas/pgbouncer";

const warn = "font-semibold text-red-700 dark:text-red-300";

const COLUMNS: Column<Pool>[] = [
  { id: "database", header: "database", sortValue: (p) => p.database, firstDir: "asc", cell: (p) => p.database },
  { id: "user", header: "user", sortValue: (p) => p.user, firstDir: "asc", cell: (p) => p.user },
  { id: "mode", header: "mode", cell: (p) => p.poolMode ?? "—" },
  { id: "cl_active", header: "clients active", align: "right", sortValue: (p) => p.clActive, cell: (p) => p.clActive },
  { id: "cl_waiting", header: "clients waiting", align: "right", sortValue: (p) => p.clWaiting, cell: (p) => <span className={p.clWaiting > 0 ? warn : ""} data-testid="pool-waiting">{p.clWaiting}</span> },
  { id: "sv_active", header: "servers active", align: "right", sortValue: (p) => p.svActive, cell: (p) => p.svActive },
  { id: "sv_idle", header: "idle", align: "right", cell: (p) => p.svIdle },
  { id: "sv_used", header: "used", align: "right", cell: (p) => p.svUsed },
  { id: "maxwait", header: "maxwait", align: "right", sortValue: (p) => p.maxwaitMs, cell: (p) => <span className={p.maxwaitMs >= 1000 ? warn : ""}>{formatDuration(p.maxwaitMs)}</span> },
];

export function PoolsTable({ pools, error }: { pools: Pool[] | undefined; error?: unknown }) {
  return <DataTable columns={COLUMNS} rows={pools} rowKey={(p) => `${p.database}\u0000${p.user}`} error={error} empty="No pools." testId="pools-table" initialSort={{ key: "cl_waiting", dir: "desc" }} />;
}
