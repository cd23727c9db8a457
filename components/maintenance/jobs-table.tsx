"use client";
import { VacuumAdviceNote } from "@/components/health/vacuum-advice";
import { useCan } from "@/components/shell/permissions";
import { Button } from "@/components/ui/button";
import { DataTable, type Column } from "@/components/ui/data-table";
import { TimeAgo } from "@/components/ui/time";
import { parseTime } from "@/lib/format";
import { LABEL_OF, useCancelJob } from "@/lib/queries/jobs";
import { JOB_PERMISSION, type Job } from "@/lib/schemas/jobs";
import { JobProgress, JobStateBadge } from "./job-progress";

function CancelButton({ server, job, disabled }: { server: string; job: Job; disabled?: string }) {
  const m = useCancelJob(server);
  // Stopping a job needs the permission that starting it needs (VACUUM FULL: admins only).
  const allowed = useCan(JOB_PERMISSION[job.command]);
  if (job.state === "done" || !allowed) return null;
  return (
    <span className="flex flex-col items-start gap-0.5">
      <Button size="sm" variant="danger" disabled={m.isPending || job.cancelRequested || !!disabled} title={disabled} onClick={() => m.mutate(job.id)} aria-label={`Cancel job ${job.id}`}>
        {job.state === "queued" ? "Remove" : "Cancel"}
      </Button>
      {m.data && <span className="text-xs text-zinc-500">{m.data.message}</span>}
      {m.isError && <span className="text-xs text-red-700 dark:text-red-300">{m.error.message}</span>}
    </span>
  );
}

function Message({ job }: { job: Job }) {
  if (!job.message && job.notices.length === 0) return null;
  return (
    <div className="max-w-md text-xs">
      {job.message && <p className="break-words">{job.advice ? job.message.replace(` — ${job.advice.message}`, "") : job.message}</p>}
      {job.advice && <VacuumAdviceNote server={job.server} advice={job.advice} />}
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
export function JobsTable({
  server,
  jobs,
  showDatabase = true,
  paged = false,
  cancelDisabled,
  empty = "No maintenance jobs yet.",
}: {
  server: string;
  jobs: Job[] | undefined;
  showDatabase?: boolean;
  /** long histories: 20 rows a page, sorted here */
  paged?: boolean;
  cancelDisabled?: string;
  empty?: string;
}) {
  const canCancel = useCan("cancel");
  const columns: Column<Job>[] = [
    { id: "id", header: "#", align: "right", sortValue: (j) => j.id, cell: (j) => j.id },
    {
      id: "command",
      header: "command",
      className: "whitespace-nowrap",
      sortValue: (j) => LABEL_OF[j.command],
      firstDir: "asc",
      cell: (j) => (
        <span title={j.statement ?? undefined}>
          {LABEL_OF[j.command]}
          {j.pid !== null && <span className="block text-zinc-500">pid {j.pid}</span>}
          {j.reattachedAt && j.state === "running" && (
            <span className="block text-amber-700 dark:text-amber-300" title={j.message ?? undefined}>
              re-attached after its console process stopped
            </span>
          )}
        </span>
      ),
    },
    { id: "relation", header: "relation", className: "font-mono", sortValue: (j) => j.relation, firstDir: "asc", cell: (j) => j.relation },
    ...(showDatabase ? [{ id: "database", header: "database", sortValue: (j: Job) => j.database, firstDir: "asc" as const, cell: (j: Job) => j.database }] : []),
    { id: "state", header: "state", sortValue: (j) => j.outcome ?? j.state, firstDir: "asc", cell: (j) => <JobStateBadge job={j} /> },
    { id: "progress", header: "progress / duration", sortValue: (j) => j.elapsedMs, cell: (j) => <JobProgress job={j} /> },
    { id: "queued", header: "queued", className: "whitespace-nowrap", sortValue: (j) => parseTime(j.queuedAt), cell: (j) => <TimeAgo at={j.queuedAt} /> },
    { id: "user", header: "by", sortValue: (j) => j.user, firstDir: "asc", cell: (j) => j.user ?? "—" },
    { id: "details", header: "details", cell: (j) => <Message job={j} /> },
    ...(canCancel ? [{ id: "cancel", header: "", cell: (j: Job) => <CancelButton server={server} job={j} disabled={cancelDisabled} /> }] : []),
  ];
  return (
    <DataTable
      columns={columns}
      rows={jobs}
      rowKey={(j) => j.id}
      rowAttrs={(j) => ({ "data-testid": "job-row", "data-job": j.id, "data-state": j.state, "data-outcome": j.outcome ?? "" })}
      pageSize={paged ? 20 : undefined}
      empty={empty}
      testId="jobs-table"
    />
  );
}
