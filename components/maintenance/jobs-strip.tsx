"use client";
import Link from "next/link";
import { TimeAgo } from "@/components/ui/time";
import { LABEL_OF, useJobs, useRefreshWhenJobsEnd } from "@/lib/queries/jobs";
import { JobStateBadge } from "./job-progress";
import { JobsTable } from "./jobs-table";

/**
 * This database's running and queued jobs under the storage pages' action bar, with the last few
 * finished ones folded under one line (the latest outcome shown), so the queue stays on screen.
 * When a job finishes the page's storage views are read again at once (see useRefreshWhenJobsEnd).
 */
export function JobsStrip({ server, db }: { server: string; db: string | undefined }) {
  const q = useJobs(server, db, 20);
  const jobs = q.data?.jobs ?? [];
  useRefreshWhenJobsEnd(server, jobs);
  const active = jobs.filter((j) => j.state !== "done");
  const finished = jobs.filter((j) => j.state === "done").slice(0, 5);
  if (active.length === 0 && finished.length === 0) return null;
  const last = finished[0];
  return (
    <section className="flex flex-col gap-1 rounded border border-zinc-200 p-2 dark:border-zinc-800" aria-label="Maintenance jobs" data-testid="jobs-strip">
      <div className="flex items-center justify-between text-sm">
        <h2 className="font-semibold">Maintenance jobs {active.length > 0 && <span className="font-normal text-zinc-500">· {active.length} running or queued</span>}</h2>
        <Link className="text-blue-700 hover:underline dark:text-blue-300" href={`/servers/${encodeURIComponent(server)}/maintenance${db ? `?db=${encodeURIComponent(db)}` : ""}`}>
          all jobs and history
        </Link>
      </div>
      {active.length > 0 && <JobsTable server={server} jobs={active} showDatabase={false} />}
      {last && (
        <details className="text-sm" data-testid="finished-jobs">
          <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">
            {finished.length} finished · last: #{last.id} {LABEL_OF[last.command]} <span className="font-mono text-xs">{last.relation}</span> <JobStateBadge job={last} />{" "}
            <TimeAgo at={last.finishedAt ?? last.queuedAt} />
          </summary>
          <JobsTable server={server} jobs={finished} showDatabase={false} />
        </details>
      )}
    </section>
  );
}
