"use client";
import { JobActions } from "@/components/maintenance/job-actions";
import { JobsStrip } from "@/components/maintenance/jobs-strip";
import { useSelection } from "@/components/maintenance/selection";
import { Badge } from "@/components/ui/badge";
import { Freshness } from "@/components/ui/freshness";
import { SqlText } from "@/components/ui/sql-text";
import { formatBytes, formatNumber } from "@/lib/format";
import { LockMarker } from "./lock-marker";
import { usePolled } from "@/lib/queries/use-polled";
import { IndexesQuery, IndexesResponse, type IndexSort } from "@/lib/schemas/storage";
import { BloatPanel } from "./bloat-panel";
import { FilterInput, Pager, SortHeader, tableClass } from "./controls";
import { IndexFindingsPanel } from "./index-findings";
import { fetchStorage, useUrlQuery } from "./queries";

const REFETCH = [["storage-indexes"], ["storage-bloat"]];

const KEYS = ["db", "sort", "dir", "schema", "q", "limit", "offset"] as const;

export function IndexesPage({ server }: { server: string }) {
  const { query, set } = useUrlQuery(IndexesQuery, KEYS);
  const q = usePolled(["storage-indexes", server, query], () => fetchStorage(server, "indexes", query, IndexesResponse), { intervalMs: 10_000 });
  const data = q.data;
  const h = { sort: query.sort, dir: query.dir, onSort: (sort: IndexSort, dir: "asc" | "desc") => set({ sort, dir, offset: undefined }) };
  const filter = (k: string) => (v: string) => set({ [k]: v, offset: undefined });
  const sel = useSelection(data?.rows);
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-lg font-semibold">Indexes{query.db ? ` · ${query.db}` : ""}</h1>
        <Freshness updatedAt={q.dataUpdatedAt || undefined} error={q.error} paused={q.paused} onTogglePause={() => q.setPaused(!q.paused)} />
      </div>
      {data && <IndexFindingsPanel f={data.findings} />}
      <div className="flex flex-wrap items-center gap-3">
        <FilterInput label="schema" value={query.schema} onCommit={filter("schema")} width="w-28" />
        <FilterInput label="index or table contains" value={query.q} onCommit={filter("q")} />
        {data && <Pager total={data.total} limit={query.limit} offset={query.offset} onPage={(offset) => set({ offset })} />}
      </div>
      <JobActions server={server} db={query.db} commands={["reindex_index"]} selected={sel.selected} onClear={sel.clear} />
      <JobsStrip server={server} db={query.db} refetchKeys={REFETCH} />
      <div className="overflow-x-auto">
        <table className={tableClass} data-testid="indexes-table">
          <thead className="text-zinc-600 dark:text-zinc-400">
            <tr>
              <th className="px-2 py-1">
                <input type="checkbox" aria-label="select all indexes on this page" checked={sel.allOnPage} onChange={(e) => sel.setPage(e.target.checked)} />
              </th>
              <SortHeader label="index" k="name" {...h} />
              <SortHeader label="table" k="table" {...h} />
              <SortHeader label="size" k="size" align="right" {...h} />
              <SortHeader label="scans" k="scans" align="right" {...h} />
              <SortHeader label="tuples read" k="tuples_read" align="right" {...h} />
              <SortHeader label="tuples fetched" k="tuples_fetched" align="right" {...h} />
              <th className="px-2 py-1 text-left font-medium">kind</th>
              <th className="px-2 py-1 text-left font-medium">definition</th>
            </tr>
          </thead>
          <tbody>
            {data?.rows.map((r) => (
              <tr key={r.oid} data-testid="index-row">
                <td>
                  <input type="checkbox" aria-label={`select ${r.schema}.${r.name}`} checked={sel.has(r.oid)} onChange={() => sel.toggle(r.oid, `${r.schema}.${r.name}`)} />
                </td>
                <td className="font-mono">
                  {r.schema}.{r.name}
                </td>
                <td className="font-mono">{r.table}</td>
                <td className="text-right">
                  {formatBytes(r.sizeBytes)}
                  <LockMarker lock={r.lock} />
                </td>
                <td className="text-right">{formatNumber(r.scans)}</td>
                <td className="text-right">{formatNumber(r.tuplesRead)}</td>
                <td className="text-right">{formatNumber(r.tuplesFetched)}</td>
                <td className="space-x-1">
                  {r.primary && <Badge tone="blue">primary</Badge>}
                  {r.unique && !r.primary && <Badge>unique</Badge>}
                  {!r.valid && <Badge tone="red">invalid</Badge>}
                </td>
                <td className="max-w-md">
                  <SqlText sql={r.definition} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <BloatPanel server={server} db={query.db} kind="index" />
    </div>
  );
}
