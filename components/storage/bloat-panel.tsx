"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { exactBloatKey, fetchExactBloat, queueExactBloat } from "@/components/maintenance/api";
import { useJobsGate } from "@/components/maintenance/job-actions";
import { useCan } from "@/components/shell/permissions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatBytes, formatDuration } from "@/lib/format";
import { usePolled } from "@/lib/queries/use-polled";
import type { ExactBloatJobsResponse } from "@/lib/schemas/jobs";
import { BloatResponse, type BloatRow } from "@/lib/schemas/storage";
import { Pager, Section, tableClass } from "./controls";
import { fetchStorage } from "./queries";

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
function Exact({ server, db, row, exact, onQueued }: { server: string; db?: string; row: BloatRow; exact: ExactOf | undefined; onQueued: () => void }) {
  const canQueue = useCan("bloat_exact");
  const gate = useJobsGate(server); // jobs never run through a pooler without a directUrl
  const queue = useMutation({ mutationFn: () => queueExactBloat(server, db, row.oid), onSettled: onQueued });
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
          onClick={() => queue.mutate()}
          title={
            gate.ok
              ? `pgstattuple reads the WHOLE ${row.kind} (${formatBytes(row.actualBytes)}) from disk: I/O and time grow with its size. It runs as a maintenance job.`
              : `${gate.reason ?? ""} ${gate.fix ?? ""}`
          }
        >
          {result ? "read again" : "exact (reads it all)"}
        </Button>
      ) : null}
      {queue.isError && <span className="text-red-700 dark:text-red-300">{(queue.error as Error).message}</span>}
    </span>
  );
}

/** Estimated bloat (from statistics, no table read), worst first; exact figures on demand. */
export function BloatPanel({ server, db, kind }: { server: string; db?: string; kind: "table" | "index" }) {
  const [offset, setOffset] = useState(0);
  const limit = 20;
  const q = usePolled(["storage-bloat", server, db, kind, offset], () => fetchStorage(server, "bloat", { db, kind, offset, limit }, BloatResponse), {
    intervalMs: 60_000,
  });
  const data = q.data;
  const qc = useQueryClient();
  const oids = data?.pgstattupleAvailable ? data.rows.map((r) => r.oid) : [];
  const exactKey = exactBloatKey(server, db, oids);
  const exact = useQuery({
    queryKey: exactKey,
    queryFn: () => fetchExactBloat(server, db, oids),
    enabled: oids.length > 0,
    // Polled only while a read is queued or running.
    refetchInterval: (query) => (query.state.data?.relations.some((r) => r.pending) ? 2_000 : false),
    placeholderData: (prev) => prev,
    retry: false,
  });
  const exactOf = new Map(exact.data?.relations.map((r) => [r.oid, r]) ?? []);
  return (
    <Section
      title={
        <span>
          {kind === "table" ? "Table" : "B-tree index"} bloat <Badge tone="blue">estimate</Badge>
        </span>
      }
      right={data && <Pager total={data.total} limit={limit} offset={offset} onPage={setOffset} />}
    >
      <p className="text-xs text-zinc-500">
        Estimated from planner statistics (row counts, average widths, fillfactor): no table is read. Recomputed at most once a minute
        {data ? ` (last: ${new Date(data.computedAt).toLocaleTimeString()})` : ""}.{" "}
        {data && !data.pgstattupleAvailable && "Exact figures need the pgstattuple extension: CREATE EXTENSION pgstattuple;"}
        {q.error ? ` Could not load: ${(q.error as Error).message}` : ""}
      </p>
      <div className="overflow-x-auto">
        <table className={tableClass}>
          <thead className="text-left text-zinc-600 dark:text-zinc-400">
            <tr>
              <th className="px-2 py-1 font-medium">{kind === "table" ? "table" : "index (table)"}</th>
              <th className="px-2 py-1 text-right font-medium">size</th>
              <th className="px-2 py-1 text-right font-medium">est. bloat</th>
              <th className="px-2 py-1 font-medium">statistics</th>
              {data?.pgstattupleAvailable && <th className="px-2 py-1 font-medium">exact (pgstattuple)</th>}
            </tr>
          </thead>
          <tbody>
            {data?.rows.map((r) => {
              const note = STATS_NOTE[r.statistics];
              return (
                <tr key={r.oid} data-testid="bloat-row" data-relation={`${r.schema}.${r.name}`}>
                  <td className="font-mono">
                    {r.schema}.{r.name}
                    {kind === "index" && <span className="text-zinc-500"> ({r.table})</span>}
                  </td>
                  <td className="text-right">{formatBytes(r.actualBytes)}</td>
                  <td className="text-right">
                    {r.statistics === "hidden" || r.statistics === "missing" ? (
                      <span className="text-zinc-500" title="widths unknown without statistics: no estimate">unknown</span>
                    ) : (
                      <>
                        ~{formatBytes(r.bloatBytes)} <Badge tone={r.bloatPct > 50 ? "red" : r.bloatPct > 25 ? "yellow" : "neutral"}>{r.bloatPct.toFixed(0)} %</Badge>
                      </>
                    )}
                  </td>
                  <td>{note ? <Badge tone={note.tone} title={note.title}>{note.text}</Badge> : <span className="text-zinc-500">ok</span>}</td>
                  {data.pgstattupleAvailable && (
                    <td>{(kind === "table" || r.kind === "index") && <Exact server={server} db={db} row={r} exact={exactOf.get(r.oid)} onQueued={() => void qc.invalidateQueries({ queryKey: exactKey })} />}</td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Section>
  );
}
