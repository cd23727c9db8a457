"use client";
import { Badge, type Tone } from "@/components/ui/badge";
import { formatBytes, formatDuration, formatNumber } from "@/lib/format";
import type { Job } from "@/lib/schemas/jobs";

const OUTCOME_TONE: Record<NonNullable<Job["outcome"]>, Tone> = {
  ok: "green",
  skipped: "yellow",
  blocked: "red",
  cancelled: "neutral",
  refused: "red",
  failed: "red",
  unknown: "yellow",
};

export function JobStateBadge({ job }: { job: Job }) {
  if (job.state === "queued") return <Badge tone="blue">queued{job.ahead ? ` · ${job.ahead} ahead` : ""}</Badge>;
  if (job.state === "running") return <Badge tone="blue">{job.cancelRequested ? "cancelling" : "running"}</Badge>;
  return <Badge tone={OUTCOME_TONE[job.outcome ?? "unknown"]}>{job.outcome}</Badge>;
}

/** Phase, blocks done / total and a bar; a fixed height so the table does not jump between polls. */
export function JobProgress({ job }: { job: Job }) {
  if (job.state !== "running") {
    return <span className="text-zinc-500">{job.state === "done" ? formatDuration(job.elapsedMs) : "waiting for the job ahead"}</span>;
  }
  const p = job.progress;
  const pct = p?.percent ?? null;
  return (
    <div className="flex min-w-[14rem] flex-col gap-0.5" data-testid="job-progress">
      <div className="h-2 w-full overflow-hidden rounded bg-zinc-200 dark:bg-zinc-800" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct ?? undefined}>
        <div className={`h-full bg-blue-600 transition-[width] ${pct === null ? "w-1/4 animate-pulse" : ""}`} style={pct === null ? undefined : { width: `${pct.toFixed(1)}%` }} />
      </div>
      <div className="flex flex-wrap gap-x-2 text-xs text-zinc-600 dark:text-zinc-400">
        <span data-testid="job-phase">{p?.phase ?? (p?.running === false ? "finishing" : "starting")}</span>
        {p?.command === "pgstattuple" && (
          <span title="PostgreSQL reports no progress for pgstattuple: this is how much it reads in all (pg_class.relpages when it started)">
            reads {p.relationBytes !== null && p.relationBytes !== undefined ? `≈ ${formatBytes(p.relationBytes)}` : "the whole relation"}; no progress reported
          </span>
        )}
        {p?.blocksTotal ? (
          <span>
            {formatNumber(p.blocksDone)} / {formatNumber(p.blocksTotal)} blocks{pct !== null ? ` · ${pct.toFixed(1)} %` : ""}
          </span>
        ) : null}
        <span>{formatDuration(job.elapsedMs)}</span>
        {p && p.waitingOn.length > 0 && <span className="text-amber-700 dark:text-amber-300">waiting for a lock held by pid {p.waitingOn.join(", ")}</span>}
        {job.progressError && <span className="text-red-700 dark:text-red-300">progress unavailable: {job.progressError}</span>}
      </div>
    </div>
  );
}
