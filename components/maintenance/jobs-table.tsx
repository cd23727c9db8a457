"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCan } from "@/components/shell/permissions";
import { Button } from "@/components/ui/button";
import { TimeAgo } from "@/components/storage/time";
import { useNow } from "@/lib/queries/use-polled";
import { JOB_PERMISSION, type Job } from "@/lib/schemas/jobs";
import { cancelJob, LABEL_OF } from "./api";
import { JobProgress, JobStateBadge } from "./job-progress";

function CancelButton({ server, job }: { server: string; job: Job }) {
  const qc = useQueryClient();
  // Stopping a job needs the permission that starting it needs (VACUUM FULL: admins only).
  const allowed = useCan(JOB_PERMISSION[job.command]);
  const m = useMutation({
    mutationFn: () => cancelJob(server, job.id),
    // Never retried; whatever happened, the list is read again.
    onSettled: () => qc.invalidateQueries({ queryKey: ["jobs", server] }),
  });
  if (job.state === "done" || !allowed) return null;
  return (
    <span className="flex flex-col items-start gap-0.5">
      <Button size="sm" variant="danger" disabled={m.isPending || job.cancelRequested} onClick={() => m.mutate()} aria-label={`Cancel job ${job.id}`}>
        {job.state === "queued" ? "Remove" : "Cancel"}
      </Button>
      {m.data && <span className="text-xs text-zinc-500">{m.data.message}</span>}
      {m.isError && <span className="text-xs text-red-700 dark:text-red-300">{(m.error as Error).message}</span>}
    </span>
  );
}

function Message({ job }: { job: Job }) {
  if (!job.message && job.notices.length === 0) return null;
  return (
    <div className="max-w-md text-xs">
      {job.message && <p className="break-words">{job.message}</p>}
      {job.notices.length > 0 && (
        <details>
          <summary className="cursor-pointer text-zinc-500">{job.notices.length} message(s) from PostgreSQL</summary>
          <ul className="max-h-48 overflow-auto font-mono">
            {job.notices.map((n, i) => (
              <li key={i} className="whitespace-pre-wrap break-all">
                {n.severity}: {n.message}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

/** Jobs with their state, live progress and outcome; cancel for operators and admins. */
export function JobsTable({ server, jobs, showDatabase = true }: { server: string; jobs: Job[]; showDatabase?: boolean }) {
  const canCancel = useCan("cancel");
  const now = useNow();
  if (jobs.length === 0) return <p className="text-sm text-zinc-500">No maintenance jobs yet.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm" data-testid="jobs-table">
        <thead className="text-xs text-zinc-600 dark:text-zinc-400">
          <tr>
            <th className="px-2 py-1 font-medium">#</th>
            <th className="px-2 py-1 font-medium">command</th>
            <th className="px-2 py-1 font-medium">relation</th>
            {showDatabase && <th className="px-2 py-1 font-medium">database</th>}
            <th className="px-2 py-1 font-medium">state</th>
            <th className="px-2 py-1 font-medium">progress / duration</th>
            <th className="px-2 py-1 font-medium">queued</th>
            <th className="px-2 py-1 font-medium">by</th>
            <th className="px-2 py-1 font-medium">details</th>
            {canCancel && <th className="px-2 py-1" />}
          </tr>
        </thead>
        <tbody>
          {jobs.map((j) => (
            <tr key={j.id} className="border-t border-zinc-100 align-top dark:border-zinc-800" data-testid="job-row" data-job={j.id} data-state={j.state} data-outcome={j.outcome ?? ""}>
              <td className="px-2 py-1 tabular-nums">{j.id}</td>
              <td className="px-2 py-1 whitespace-nowrap" title={j.statement ?? undefined}>
                {LABEL_OF[j.command]}
                {j.pid !== null && <div className="text-xs text-zinc-500">pid {j.pid}</div>}
                {j.reattachedAt && j.state === "running" && (
                  <div className="text-xs text-amber-700 dark:text-amber-300" title={j.message ?? undefined}>
                    re-attached after its console process stopped
                  </div>
                )}
              </td>
              <td className="px-2 py-1 font-mono text-xs">{j.relation}</td>
              {showDatabase && <td className="px-2 py-1">{j.database}</td>}
              <td className="px-2 py-1">
                <JobStateBadge job={j} />
              </td>
              <td className="px-2 py-1">
                <JobProgress job={j} />
              </td>
              <td className="px-2 py-1 whitespace-nowrap text-xs">
                <TimeAgo iso={j.queuedAt} now={now} />
              </td>
              <td className="px-2 py-1 text-xs">{j.user ?? "—"}</td>
              <td className="px-2 py-1">
                <Message job={j} />
              </td>
              {canCancel && (
                <td className="px-2 py-1">
                  <CancelButton server={server} job={j} />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
