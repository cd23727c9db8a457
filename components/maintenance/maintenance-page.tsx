"use client";
import { PageHeader } from "@/components/ui/freshness";
import { useJobs } from "@/lib/queries/jobs";
import { useUrlState } from "@/lib/queries/url-state";
import { DatabaseQuery } from "@/lib/schemas/servers";
import { JobsTable } from "./jobs-table";

/** Running and queued jobs (with live progress) on top; the finished ones folded below, paged. */
export function MaintenancePage({ server }: { server: string }) {
  const { db } = useUrlState(DatabaseQuery).query;
  const q = useJobs(server, db, 200);
  const jobs = q.data?.jobs;
  const active = jobs?.filter((j) => j.state !== "done");
  const history = jobs?.filter((j) => j.state === "done");
  return (
    <div className="flex flex-col gap-4">
      <PageHeader title={`Maintenance${db ? ` · ${db}` : " · all databases"}`} poll={q} />
      <p className="text-xs text-zinc-500">
        Jobs are started from the Tables and Indexes pages. One job runs per database at a time, on its own connection with its own lock timeout; the rest wait in
        the queue. A job that cannot get its lock in time gives up instead of blocking everyone behind it.
      </p>
      <section className="flex flex-col gap-2">
        <h2 className="text-sm font-semibold">Running and queued ({active?.length ?? "…"})</h2>
        <JobsTable server={server} jobs={active} showDatabase={!db} empty="Nothing running or queued." />
      </section>
      <details className="flex flex-col gap-2" data-testid="job-history">
        <summary className="cursor-pointer text-sm font-semibold">History ({history?.length ?? "…"} finished, newest first)</summary>
        <JobsTable server={server} jobs={history} showDatabase={!db} paged empty="No finished jobs yet." />
      </details>
    </div>
  );
}
