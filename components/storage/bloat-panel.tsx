"use client";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Section } from "@/components/ui/section";
import { Timestamp } from "@/components/ui/time";
import { useCan } from "@/components/shell/permissions";
import { formatBytes, formatDuration } from "@/lib/format";
import { qualifiedName } from "@/lib/names";
import { useExactBloat, useQueueExactBloat } from "@/lib/queries/jobs";
import { useJobsGate } from "@/lib/queries/server-info";
import { BLOAT_PAGE, useBloat } from "@/lib/queries/storage";
import type { ExactBloatJobsResponse } from "@/lib/schemas/jobs";
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

type ExactOf = ExactBloatJobsResponse["relations"][number];

/**
 * The latest exact figures (pgstattuple, run as a queued job by an operator or admin) and a read
 * queued or running now, with its elapsed time and the size it reads.
 */
function Exact({ server, db, row, exact }: { server: string; db?: string; row: BloatRow; exact: ExactOf | undefined }) {
  const canQueue = useCan("bloat_exact");
  const gate = useJobsGate(server); // jobs never run through a pooler without a directUrl
  const queue = useQueueExactBloat(server, db);
  const latest = exact?.latest;
  const pending = exact?.pending;
  const result = latest?.result;
  return (
    <span className="flex flex-wrap items-center gap-1" data-testid="exact-bloat">
      {result ? (
        <span title={`${Object.entries(result.details).map(([k, v]) => `${k}: ${v}`).join("\n")}\nread ${latest.finishedAt ?? ""}`}>
          exact: {formatBytes(result.wastedBytes)} ({result.wastedPct.toFixed(1)} %)
        </span>
      ) : latest && latest.outcome !== "ok" ? (
        <span className="text-zinc-500" title={latest.message ?? undefined}>
          last read: {latest.outcome}
        </span>
      ) : null}
      {pending ? (
        <span className="text-zinc-500">
          {pending.state === "queued" ? "queued" : `reading… ${formatDuration(pending.elapsedMs)}`}
          {pending.progress?.relationBytes ? ` of ≈ ${formatBytes(pending.progress.relationBytes)}` : ""}
        </span>
      ) : canQueue ? (
        <Button
          size="sm"
          disabled={queue.isPending || !gate.ok}
          onClick={() => queue.mutate(row.oid)}
          title={
            gate.ok
              ? `pgstattuple reads the WHOLE ${row.kind} (${formatBytes(row.actualBytes)}) from disk: I/O and time grow with its size. It runs as a maintenance job.`
              : `${gate.reason ?? ""} ${gate.fix ?? ""}`
          }
        >
          {result ? "read again" : "exact (reads it all)"}
        </Button>
      ) : null}
      {queue.isError && <span className="text-red-700 dark:text-red-300">{queue.error.message}</span>}
    </span>
  );
}

export function BloatPanel({ server, db, kind }: { server: string; db?: string; kind: "table" | "index" }) {
  const [offset, setOffset] = useState(0);
  const q = useBloat(server, db, kind, offset);
  const data = q.data;
  const exact = useExactBloat(server, db, data?.pgstattupleAvailable ? data.rows.map((r) => r.oid) : []);
  const exactOf = new Map(exact.data?.relations.map((r) => [r.oid, r]) ?? []);
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
    {
      id: "size",
      header: kind === "table" ? "total size" : "size",
      align: "right",
      title:
        kind === "table"
          ? "the same figure as the Tables page: heap, TOAST and indexes, all forks (pg_total_relation_size), measured at most a minute ago"
          : "the same figure as the Indexes page, measured at most a minute ago",
      cell: (r) => (r.sizeBytes === null ? "—" : formatBytes(r.sizeBytes)),
    },
    {
      id: "bloat",
      header: "est. bloat",
      align: "right",
      title: kind === "table" ? "estimated bloat, % of heap + TOAST pages as of the last VACUUM/ANALYZE (indexes not included)" : "estimated bloat, % of the index's pages as of the last VACUUM/ANALYZE",
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
      ? [{ id: "exact", header: "exact (pgstattuple)", cell: (r: BloatRow) => (kind === "table" || r.kind === "index") && <Exact server={server} db={db} row={r} exact={exactOf.get(r.oid)} /> }]
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
        rowAttrs={(r) => ({ "data-testid": "bloat-row", "data-relation": `${r.schema}.${r.name}` })}
        error={q.error}
        empty="No estimate: no table with statistics."
        paging={data && { total: data.total, limit: BLOAT_PAGE, offset, onPage: setOffset }}
        testId={`bloat-${kind}`}
      />
    </Section>
  );
}
