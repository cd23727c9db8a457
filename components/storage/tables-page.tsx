"use client";
import { useCallback } from "react";
import { JobActions } from "@/components/maintenance/job-actions";
import { JobsStrip } from "@/components/maintenance/jobs-strip";
import { useSelection } from "@/components/maintenance/selection";
import { Badge } from "@/components/ui/badge";
import { Freshness } from "@/components/ui/freshness";
import { formatBytes, formatNumber } from "@/lib/format";
import { LockMarker } from "./lock-marker";
import { useNow, usePolled } from "@/lib/queries/use-polled";
import { TablesQuery, TablesResponse, type TableRow, type TableSort } from "@/lib/schemas/storage";
import { BloatPanel } from "./bloat-panel";
import { FilterInput, Pager, SortHeader, tableClass } from "./controls";
import { fetchStorage, useUrlQuery } from "./queries";
import { LastRun } from "./time";

const REFETCH = [["storage-tables"], ["storage-bloat"]];

const KEYS = ["db", "sort", "dir", "schema", "q", "minSizeBytes", "minDeadPct", "limit", "offset"] as const;

function DeadCell({ r }: { r: TableRow }) {
  const overdue = r.autovacuumEnabled && r.deadRows > r.autovacuumDueAt;
  const tone = r.deadPct > 20 && r.deadRows > 10_000 ? "red" : r.deadPct > 10 ? "yellow" : "neutral";
  return (
    <span className="flex items-center justify-end gap-1">
      {formatNumber(r.deadRows)}
      <Badge tone={tone}>{r.deadPct.toFixed(1)} %</Badge>
      {overdue && <Badge tone="yellow" title="more dead rows than the autovacuum trigger point: a run is due or running">due</Badge>}
    </span>
  );
}

export function TablesPage({ server }: { server: string }) {
  const { query, set } = useUrlQuery(TablesQuery, KEYS);
  const q = usePolled(["storage-tables", server, query], () => fetchStorage(server, "tables", query, TablesResponse), { intervalMs: 10_000 });
  const now = useNow();
  const data = q.data;
  const onSort = useCallback((sort: TableSort, dir: "asc" | "desc") => set({ sort, dir, offset: undefined }), [set]);
  const filter = (k: string) => (v: string) => set({ [k]: v, offset: undefined });
  const h = { sort: query.sort, dir: query.dir, onSort };
  const sel = useSelection(data?.rows);
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-lg font-semibold">Tables{query.db ? ` · ${query.db}` : ""}</h1>
        <Freshness updatedAt={q.dataUpdatedAt || undefined} error={q.error} paused={q.paused} onTogglePause={() => q.setPaused(!q.paused)} />
      </div>
      {data && !data.autovacuumServerEnabled && (
        <p className="rounded bg-red-50 px-2 py-1 text-sm text-red-900 dark:bg-red-950/40 dark:text-red-200">autovacuum is OFF on this server: no table is vacuumed automatically.</p>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <FilterInput label="schema" value={query.schema} onCommit={filter("schema")} width="w-28" />
        <FilterInput label="name contains" value={query.q} onCommit={filter("q")} />
        <FilterInput label="min size (bytes)" type="number" value={query.minSizeBytes} onCommit={filter("minSizeBytes")} width="w-28" />
        <FilterInput label="min dead %" type="number" value={query.minDeadPct} onCommit={filter("minDeadPct")} width="w-16" />
        {data && <Pager total={data.total} limit={query.limit} offset={query.offset} onPage={(offset) => set({ offset })} />}
      </div>
      {data && (
        <p className="text-xs text-zinc-500">
          Sizes are computed once a minute for the whole database (last: {new Date(data.sizesAt).toLocaleTimeString()}); counters since the last statistics reset.
        </p>
      )}
      <JobActions
        server={server}
        db={query.db}
        commands={["vacuum", "vacuum_analyze", "analyze", "reindex_table", "vacuum_full"]}
        selected={sel.selected}
        onClear={sel.clear}
      />
      <JobsStrip server={server} db={query.db} refetchKeys={REFETCH} />
      <div className="overflow-x-auto">
        <table className={tableClass} data-testid="tables-table">
          <thead className="text-zinc-600 dark:text-zinc-400">
            <tr>
              <th className="px-2 py-1">
                <input type="checkbox" aria-label="select all tables on this page" checked={sel.allOnPage} onChange={(e) => sel.setPage(e.target.checked)} />
              </th>
              <SortHeader label="table" k="name" {...h} />
              <SortHeader label="total" k="total_size" align="right" {...h} />
              <th className="px-2 py-1 text-right font-medium">heap / index / TOAST</th>
              <SortHeader label="live rows" k="live" align="right" {...h} />
              <SortHeader label="dead rows" k="dead_pct" align="right" {...h} />
              <SortHeader label="autovacuum at" k="autovacuum_due" align="right" title="dead rows at which autovacuum will run: threshold + scale factor × rows" {...h} />
              <SortHeader label="seq / idx scans" k="seq_scan" align="right" {...h} />
              <SortHeader label="changes since analyze" k="modifications" align="right" {...h} />
              <SortHeader label="last vacuum" k="last_vacuum" {...h} />
              <SortHeader label="last analyze" k="last_analyze" {...h} />
            </tr>
          </thead>
          <tbody>
            {data?.rows.map((r) => (
              <tr key={r.oid} data-testid="table-row" data-table={`${r.schema}.${r.name}`}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`select ${r.schema}.${r.name}`}
                    checked={sel.has(r.oid)}
                    onChange={() => sel.toggle(r.oid, `${r.schema}.${r.name}`)}
                  />
                </td>
                <td className="font-mono">
                  {r.schema}.{r.name}
                </td>
                <td className="text-right">
                  {formatBytes(r.totalBytes)}
                  <LockMarker lock={r.lock} />
                </td>
                <td className="text-right text-zinc-500">
                  {formatBytes(r.heapBytes)} / {formatBytes(r.indexBytes)} / {formatBytes(r.toastBytes)}
                </td>
                <td className="text-right">{formatNumber(r.liveRows)}</td>
                <td className="text-right">
                  <DeadCell r={r} />
                </td>
                <td className="text-right" title={`${formatNumber(r.autovacuumThreshold)} + ${r.autovacuumScaleFactor} × ${formatNumber(Math.max(0, r.reltuples))} rows`}>
                  {r.autovacuumEnabled ? formatNumber(r.autovacuumDueAt) : <Badge tone="red">autovacuum disabled</Badge>}
                </td>
                <td className="text-right">
                  {formatNumber(r.seqScan)} / {formatNumber(r.idxScan)}
                </td>
                <td className="text-right">{formatNumber(r.modSinceAnalyze)}</td>
                <td title={`${r.vacuumCount} manual, ${r.autovacuumCount} auto`} data-testid="last-vacuum">
                  <LastRun manual={r.lastVacuum} auto={r.lastAutovacuum} now={now} />
                </td>
                <td title={`${r.analyzeCount} manual, ${r.autoanalyzeCount} auto`} data-testid="last-analyze">
                  <LastRun manual={r.lastAnalyze} auto={r.lastAutoanalyze} now={now} />
                </td>
              </tr>
            ))}
            {data && data.rows.length === 0 && (
              <tr>
                <td colSpan={11} className="py-4 text-center text-zinc-500">
                  No table matches these filters.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <BloatPanel server={server} db={query.db} kind="table" />
    </div>
  );
}
