"use client";
import { MaintenanceBar } from "@/components/maintenance/maintenance-bar";
import { selectColumn } from "@/components/maintenance/select-column";
import { useSelection } from "@/components/maintenance/selection";
import { Badge } from "@/components/ui/badge";
import { DataTable, type Column } from "@/components/ui/data-table";
import { FilterInput } from "@/components/ui/filter-input";
import { PageHeader } from "@/components/ui/freshness";
import { Timestamp } from "@/components/ui/time";
import { formatBytes, formatNumber } from "@/lib/format";
import { qualifiedName } from "@/lib/names";
import { useTables } from "@/lib/queries/storage";
import { useServerTable, useUrlState } from "@/lib/queries/url-state";
import { TablesQuery, type TableRow, type TablesResponse } from "@/lib/schemas/storage";
import { BloatPanel } from "./bloat-panel";
import { LastRun } from "./time";
import { LockMarker } from "./lock-marker";

function DeadPct({ r }: { r: TableRow }) {
  const tone = r.deadPct > 20 && r.deadRows > 10_000 ? "red" : r.deadPct > 10 ? "yellow" : "neutral";
  return <Badge tone={tone}>{r.deadPct.toFixed(1)} %</Badge>;
}

function AutovacuumDue({ r }: { r: TableRow }) {
  if (!r.autovacuumEnabled) return <Badge tone="red">autovacuum disabled</Badge>;
  const togo = r.autovacuumDueAt - r.deadRows;
  return (
    <span title={`runs at ${formatNumber(r.autovacuumDueAt)} dead rows: ${formatNumber(r.autovacuumThreshold)} + ${r.autovacuumScaleFactor} × ${formatNumber(Math.max(0, r.reltuples))} rows`}>
      {togo < 0 ? <Badge tone="yellow">due (+{formatNumber(-togo)})</Badge> : `in ${formatNumber(togo)} rows`}
    </span>
  );
}

export function TablesPage({ server, initial }: { server: string; initial?: TablesResponse }) {
  const { query, set } = useUrlState(TablesQuery);
  const q = useTables(server, query, initial);
  const data = q.data;
  const table = useServerTable(query, set, data?.total);
  const sel = useSelection(data?.rows);
  const filter = (k: string) => (v: string) => set({ [k]: v, offset: undefined });
  const columns: Column<TableRow>[] = [
    selectColumn(sel, "tables"),
    { id: "name", header: "table", sortKey: "name", firstDir: "asc", className: "font-mono", cell: (r) => qualifiedName(r.schema, r.name) },
    { id: "total", header: "total size", sortKey: "total_size", align: "right", cell: (r) => (
        <>
          {formatBytes(r.totalBytes)}
          <LockMarker lock={r.lock} />
        </>
      ),
    },
    {
      id: "parts",
      header: "heap / index / TOAST",
      align: "right",
      className: "text-zinc-500 whitespace-nowrap",
      cell: (r) => `${formatBytes(r.heapBytes)} / ${formatBytes(r.indexBytes)} / ${formatBytes(r.toastBytes)}`,
    },
    { id: "live", header: "live rows", sortKey: "live", align: "right", cell: (r) => formatNumber(r.liveRows) },
    { id: "dead", header: "dead rows", sortKey: "dead", align: "right", cell: (r) => formatNumber(r.deadRows) },
    { id: "dead_pct", header: "dead %", sortKey: "dead_pct", align: "right", cell: (r) => <DeadPct r={r} /> },
    {
      id: "autovacuum",
      header: "autovacuum due",
      sortKey: "autovacuum_due",
      align: "right",
      title: "dead rows left before autovacuum runs (threshold + scale factor × rows); sorted most overdue first",
      cell: (r) => <AutovacuumDue r={r} />,
    },
    { id: "seq", header: "seq scans", sortKey: "seq_scan", align: "right", cell: (r) => formatNumber(r.seqScan) },
    { id: "idx", header: "index scans", sortKey: "idx_scan", align: "right", cell: (r) => formatNumber(r.idxScan) },
    { id: "mods", header: "changes since analyze", sortKey: "modifications", align: "right", cell: (r) => formatNumber(r.modSinceAnalyze) },
    {
      id: "vacuum",
      header: "last vacuum",
      sortKey: "last_vacuum",
      cell: (r) => (
        <span title={`${r.vacuumCount} manual, ${r.autovacuumCount} auto`} data-testid="last-vacuum">
          <LastRun manual={r.lastVacuum} auto={r.lastAutovacuum} />
        </span>
      ),
    },
    {
      id: "analyze",
      header: "last analyze",
      sortKey: "last_analyze",
      cell: (r) => (
        <span title={`${r.analyzeCount} manual, ${r.autoanalyzeCount} auto`} data-testid="last-analyze">
          <LastRun manual={r.lastAnalyze} auto={r.lastAutoanalyze} />
        </span>
      ),
    },
  ];
  return (
    <div className="flex flex-col gap-3">
      <PageHeader title={`Tables${query.db ? ` · ${query.db}` : ""}`} poll={q} />
      {data && !data.autovacuumServerEnabled && (
        <p className="rounded bg-red-50 px-2 py-1 text-sm text-red-900 dark:bg-red-950/40 dark:text-red-200">autovacuum is OFF on this server: no table is vacuumed automatically.</p>
      )}
      {data &&
        (data.sizesPending ? (
          <p className="text-xs text-zinc-500" data-testid="sizes-pending">
            Measuring the whole database&apos;s sizes: these tables were measured alone, in the order of the pages the catalog records for
            them (as of their last VACUUM/ANALYZE); the full list follows. Counters since the last statistics reset.
          </p>
        ) : (
          <p className="text-xs text-zinc-500">
            Sizes as of <Timestamp at={data.sizesAt} /> (the whole database is measured every 10 minutes while someone looks; tables created
            since are measured on sight); counters since the last statistics reset.
          </p>
        ))}
      <MaintenanceBar server={server} db={query.db} commands={["vacuum", "vacuum_analyze", "analyze", "reindex_table", "vacuum_full"]} sel={sel} poll={q} />
      <DataTable
        columns={columns}
        rows={data?.rows}
        rowKey={(r) => r.oid}
        rowAttrs={(r) => ({ "data-testid": "table-row", "data-table": qualifiedName(r.schema, r.name) })}
        {...table}
        error={q.error}
        empty="No table matches these filters."
        maxHeight="70vh"
        testId="tables-table"
        toolbar={
          <>
            <FilterInput label="schema" value={query.schema} onCommit={filter("schema")} width="w-28" />
            <FilterInput label="name contains" value={query.q} onCommit={filter("q")} />
            <FilterInput label="min size (bytes)" type="number" value={query.minSizeBytes} onCommit={filter("minSizeBytes")} width="w-28" />
            <FilterInput label="min dead %" type="number" value={query.minDeadPct} onCommit={filter("minDeadPct")} width="w-16" />
          </>
        }
      />
      <BloatPanel server={server} db={query.db} kind="table" />
    </div>
  );
}
