"use client";
import { Bar, BarChart, CartesianGrid, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame } from "@/components/ui/chart-frame";
import { DataTable, type Column } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/freshness";
import { Section } from "@/components/ui/section";
import { Timestamp } from "@/components/ui/time";
import { formatBytes, formatNumber } from "@/lib/format";
import { qualifiedName, quoteIdent } from "@/lib/names";
import { useSpace } from "@/lib/queries/storage";
import { useUrlState } from "@/lib/queries/url-state";
import { SpaceQuery, type RelationLockInfo, type SpaceResponse } from "@/lib/schemas/storage";
import { LockMarker } from "./lock-marker";

type Sizes = { totalBytes: number; heapBytes: number; indexBytes: number; toastBytes: number };

/** total, heap, indexes and TOAST: the same four columns for tables and schemas, each sortable. */
function sizeColumns<T extends Sizes>(): Column<T>[] {
  return [
    { id: "total", header: "total", align: "right", className: "font-medium", sortValue: (r) => r.totalBytes, cell: (r) => (
        <>
          {formatBytes(r.totalBytes)}
          {"lock" in r && <LockMarker lock={r.lock as RelationLockInfo | null} />}
        </>
      ),
    },
    { id: "heap", header: "heap", align: "right", sortValue: (r) => r.heapBytes, cell: (r) => formatBytes(r.heapBytes) },
    { id: "indexes", header: "indexes", align: "right", sortValue: (r) => r.indexBytes, cell: (r) => formatBytes(r.indexBytes) },
    { id: "toast", header: "TOAST", align: "right", sortValue: (r) => r.toastBytes, cell: (r) => formatBytes(r.toastBytes) },
  ];
}

type TableSize = SpaceResponse["topTables"][number];
type DatabaseSize = SpaceResponse["databases"][number];

// The figures as text beside the chart: nobody should have to hover a bar at 3 AM.
const DATABASE_COLUMNS: Column<DatabaseSize>[] = [
  { id: "name", header: "database", className: "font-mono", firstDir: "asc", sortValue: (d) => d.name, cell: (d) => quoteIdent(d.name) },
  { id: "size", header: "size", align: "right", sortValue: (d) => d.sizeBytes ?? -1, cell: (d) => (d.sizeBytes === null ? "—" : formatBytes(d.sizeBytes)) },
];

function Wal({ wal }: { wal: SpaceResponse["wal"] }) {
  if (wal.bytes === null) return <p className="text-xs text-zinc-500" data-testid="wal-size">WAL size unavailable. {wal.note}</p>;
  return (
    <p className="text-sm" data-testid="wal-size">
      WAL (pg_wal): <span className="font-medium">{formatBytes(wal.bytes)}</span> in {formatNumber(wal.files ?? 0)} files
    </p>
  );
}
type SchemaSize = SpaceResponse["schemas"][number];

const TABLE_COLUMNS: Column<TableSize>[] = [
  { id: "name", header: "table", className: "font-mono", firstDir: "asc", sortValue: (t) => qualifiedName(t.schema, t.name), cell: (t) => qualifiedName(t.schema, t.name) },
  ...sizeColumns<TableSize>(),
];

const SCHEMA_COLUMNS: Column<SchemaSize>[] = [
  { id: "schema", header: "schema", className: "font-mono", firstDir: "asc", sortValue: (s) => s.schema, cell: (s) => quoteIdent(s.schema) },
  { id: "tables", header: "tables", align: "right", sortValue: (s) => s.tables, cell: (s) => formatNumber(s.tables) },
  ...sizeColumns<SchemaSize>(),
];

export function SpacePage({ server }: { server: string }) {
  const { query } = useUrlState(SpaceQuery);
  const q = useSpace(server, query);
  const data = q.data;
  const chart = data?.databases.map((d) => ({ name: d.name, bytes: d.sizeBytes ?? 0 })) ?? [];
  return (
    <div className="flex flex-col gap-3">
      <PageHeader title="Space" poll={q} />
      <Section title="Databases on this server">
        <ChartFrame title="Size per database" unit="bytes (binary units)" empty={chart.length === 0} emptyText={data ? "No database the console may connect to." : "Loading…"} testId="database-size-chart">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={chart} margin={{ left: 24, right: 8, top: 8, bottom: 8 }}>
              <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
              <XAxis dataKey="name" tick={{ fontSize: 11 }} />
              <YAxis tickFormatter={(v: number) => formatBytes(v)} tick={{ fontSize: 11 }} width={70} />
              <Tooltip formatter={(v) => formatBytes(Number(v))} />
              <Bar dataKey="bytes" name="size" fill="#3b82f6" isAnimationActive={false}>
                <LabelList dataKey="bytes" position="top" fontSize={11} formatter={(v: unknown) => formatBytes(Number(v))} />
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </ChartFrame>
        <DataTable columns={DATABASE_COLUMNS} rows={data?.databases} rowKey={(d) => d.name} error={q.error} empty="No database the console may connect to." initialSort={{ key: "size", dir: "desc" }} testId="space-databases" />
        {data && <Wal wal={data.wal} />}
      </Section>
      <Section title={`Largest tables${query.db ? ` in ${query.db}` : ""}`}>
        {data && (
          <p className="text-xs text-zinc-500">
            Sizes as of <Timestamp at={data.sizesAt} /> (measured every 10 minutes while someone looks).
          </p>
        )}
        <DataTable columns={TABLE_COLUMNS} rows={data?.topTables} rowKey={(t) => t.oid} error={q.error} empty="No tables." initialSort={{ key: "total", dir: "desc" }} testId="space-tables" />
      </Section>
      <Section title="Per schema">
        <DataTable columns={SCHEMA_COLUMNS} rows={data?.schemas} rowKey={(s) => s.schema} error={q.error} empty="No schemas with tables." initialSort={{ key: "total", dir: "desc" }} testId="space-schemas" />
      </Section>
    </div>
  );
}
