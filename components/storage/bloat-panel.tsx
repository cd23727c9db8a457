"use client";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Section } from "@/components/ui/section";
import { Timestamp } from "@/components/ui/time";
import { formatBytes } from "@/lib/format";
import { qualifiedName } from "@/lib/names";
import { BLOAT_PAGE, useBloat, useExactBloat } from "@/lib/queries/storage";
import type { BloatRow } from "@/lib/schemas/storage";

const STATS_NOTE = {
  ok: null,
  missing: { tone: "red", text: "no statistics", title: "never analyzed, or columns without pg_stats rows: the estimate is unreliable (run ANALYZE)" },
  stale: { tone: "yellow", text: "stale statistics", title: "many rows changed since the last ANALYZE: the estimate may be off" },
  hidden: {
    tone: "yellow",
    text: "hidden from the console's role",
    title: "pg_stats shows statistics only for tables the role can SELECT. GRANT SELECT on the table (or pg_read_all_data on 14+) to estimate it; the exact figure (pgstattuple) works without it.",
  },
} as const;

function Exact({ server, db, row }: { server: string; db?: string; row: BloatRow }) {
  const m = useExactBloat(server, db);
  if (m.data) {
    return (
      <span title={Object.entries(m.data.details).map(([k, v]) => `${k}: ${v}`).join("\n")}>
        exact: {formatBytes(m.data.wastedBytes)} ({m.data.wastedPct.toFixed(1)} %)
      </span>
    );
  }
  return (
    <span className="flex items-center gap-1">
      <Button
        size="sm"
        disabled={m.isPending}
        onClick={() => m.mutate(row.oid)}
        title={`pgstattuple reads the WHOLE ${row.kind} (${formatBytes(row.actualBytes)}) from disk: I/O and time grow with its size`}
      >
        {m.isPending ? "reading…" : "exact (reads it all)"}
      </Button>
      {m.isError && <span className="text-red-700 dark:text-red-300">{m.error.message}</span>}
    </span>
  );
}

/** Estimated bloat (from statistics, no table read), worst first; exact figures on demand. */
export function BloatPanel({ server, db, kind }: { server: string; db?: string; kind: "table" | "index" }) {
  const [offset, setOffset] = useState(0);
  const q = useBloat(server, db, kind, offset);
  const data = q.data;
  const columns: Column<BloatRow>[] = [
    {
      id: "name",
      header: kind === "table" ? "table" : "index (table)",
      className: "font-mono",
      cell: (r) => (
        <>
          {qualifiedName(r.schema, r.name)}
          {kind === "index" && <span className="text-zinc-500"> ({qualifiedName(r.schema, r.table)})</span>}
        </>
      ),
    },
    { id: "size", header: "size", align: "right", cell: (r) => formatBytes(r.actualBytes) },
    {
      id: "bloat",
      header: "est. bloat",
      align: "right",
      cell: (r) =>
        r.statistics === "hidden" || r.statistics === "missing" ? (
          <span className="text-zinc-500" title="widths unknown without statistics: no estimate">
            unknown
          </span>
        ) : (
          <>
            ~{formatBytes(r.bloatBytes)} <Badge tone={r.bloatPct > 50 ? "red" : r.bloatPct > 25 ? "yellow" : "neutral"}>{r.bloatPct.toFixed(0)} %</Badge>
          </>
        ),
    },
    {
      id: "statistics",
      header: "statistics",
      cell: (r) => {
        const note = STATS_NOTE[r.statistics];
        return note ? (
          <Badge tone={note.tone} title={note.title}>
            {note.text}
          </Badge>
        ) : (
          <span className="text-zinc-500">ok</span>
        );
      },
    },
    ...(data?.pgstattupleAvailable
      ? [{ id: "exact", header: "exact (pgstattuple)", cell: (r: BloatRow) => (kind === "table" || r.kind === "index") && <Exact server={server} db={db} row={r} /> }]
      : []),
  ];
  return (
    <Section
      title={
        <span>
          {kind === "table" ? "Table" : "B-tree index"} bloat <Badge tone="blue">estimate</Badge>
        </span>
      }
    >
      <p className="text-xs text-zinc-500">
        Estimated from planner statistics (row counts, average widths, fillfactor): no table is read. Recomputed at most once a minute
        {data && (
          <>
            {" "}
            (last: <Timestamp at={data.computedAt} />)
          </>
        )}
        . {data && !data.pgstattupleAvailable && "Exact figures need the pgstattuple extension: CREATE EXTENSION pgstattuple;"}
      </p>
      <DataTable
        columns={columns}
        rows={data?.rows}
        rowKey={(r) => r.oid}
        error={q.error}
        empty="No estimate: no table with statistics."
        paging={data && { total: data.total, limit: BLOAT_PAGE, offset, onPage: setOffset }}
        testId={`bloat-${kind}`}
      />
    </Section>
  );
}
