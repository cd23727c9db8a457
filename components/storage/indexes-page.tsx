"use client";
import { MaintenanceBar } from "@/components/maintenance/maintenance-bar";
import { selectColumn } from "@/components/maintenance/select-column";
import { useSelection } from "@/components/maintenance/selection";
import { Badge } from "@/components/ui/badge";
import { DataTable, type Column } from "@/components/ui/data-table";
import { FilterInput } from "@/components/ui/filter-input";
import { PageHeader } from "@/components/ui/freshness";
import { SqlText } from "@/components/ui/sql-text";
import { Timestamp } from "@/components/ui/time";
import { formatBytes, formatNumber } from "@/lib/format";
import { qualifiedName } from "@/lib/names";
import { useIndexes } from "@/lib/queries/storage";
import { useServerTable, useUrlState } from "@/lib/queries/url-state";
import { IndexesQuery, type IndexRow, type IndexesResponse } from "@/lib/schemas/storage";
import { BloatPanel } from "./bloat-panel";
import { IndexFindingsPanel } from "./index-findings";
import { LockMarker } from "./lock-marker";

export function IndexesPage({ server, initial }: { server: string; initial?: IndexesResponse }) {
  const { query, set } = useUrlState(IndexesQuery);
  const q = useIndexes(server, query, initial);
  const data = q.data;
  const table = useServerTable(query, set, data?.total);
  const sel = useSelection(data?.rows);
  const filter = (k: string) => (v: string) => set({ [k]: v, offset: undefined });
  const columns: Column<IndexRow>[] = [
    selectColumn(sel, "indexes"),
    { id: "name", header: "index", sortKey: "name", firstDir: "asc", className: "font-mono", cell: (r) => qualifiedName(r.schema, r.name) },
    { id: "table", header: "table", sortKey: "table", firstDir: "asc", className: "font-mono", cell: (r) => qualifiedName(r.schema, r.table) },
    { id: "size", header: "size", sortKey: "size", align: "right", cell: (r) => (
        <>
          {formatBytes(r.sizeBytes)}
          <LockMarker lock={r.lock} />
        </>
      ),
    },
    { id: "scans", header: "scans", sortKey: "scans", align: "right", cell: (r) => formatNumber(r.scans) },
    { id: "read", header: "tuples read", sortKey: "tuples_read", align: "right", cell: (r) => formatNumber(r.tuplesRead) },
    { id: "fetched", header: "tuples fetched", sortKey: "tuples_fetched", align: "right", cell: (r) => formatNumber(r.tuplesFetched) },
    ...(data?.findings?.lastUsedAvailable
      ? [{ id: "last_used", header: "last used", title: "pg_stat_user_indexes.last_idx_scan", cell: (r: IndexRow) => (r.lastUsed ? <Timestamp at={r.lastUsed} /> : "never") }]
      : []),
    {
      id: "kind",
      header: "kind",
      className: "space-x-1",
      cell: (r) => (
        <>
          {r.primary && <Badge tone="blue">primary</Badge>}
          {r.unique && !r.primary && <Badge>unique</Badge>}
          {!r.valid && <Badge tone="red">invalid</Badge>}
        </>
      ),
    },
    { id: "definition", header: "definition", className: "max-w-md", cell: (r) => <SqlText sql={r.definition} /> },
  ];
  return (
    <div className="flex flex-col gap-3">
      <PageHeader title={`Indexes${query.db ? ` · ${query.db}` : ""}`} poll={q} />
      {data?.sizesPending && (
        <p className="text-xs text-zinc-500" data-testid="sizes-pending">
          Measuring the whole database&apos;s sizes: these indexes were measured alone, in the order of the pages the catalog records for them (as of
          their last VACUUM/ANALYZE); the full list follows.
        </p>
      )}
      {data?.findings ? (
        <IndexFindingsPanel f={data.findings} controls={{ limit: query.findingsLimit, minFindingBytes: query.minFindingBytes, set }} />
      ) : (
        data && <p className="text-xs text-zinc-500" data-testid="findings-pending">Judging every index for unused, duplicate and invalid ones…</p>
      )}
      <MaintenanceBar server={server} db={query.db} commands={["reindex_index"]} sel={sel} poll={q} />
      <DataTable
        columns={columns}
        rows={data?.rows}
        rowKey={(r) => r.oid}
        rowAttrs={() => ({ "data-testid": "index-row" })}
        {...table}
        error={q.error}
        empty="No index matches these filters."
        maxHeight="70vh"
        testId="indexes-table"
        toolbar={
          <>
            <FilterInput label="schema" value={query.schema} onCommit={filter("schema")} width="w-28" />
            <FilterInput label="index or table contains" value={query.q} onCommit={filter("q")} />
          </>
        }
      />
      <BloatPanel server={server} db={query.db} kind="index" />
    </div>
  );
}
