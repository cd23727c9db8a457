"use client";
import { useSearchParams } from "next/navigation";
import { Freshness } from "@/components/ui/freshness";
import { usePolled } from "@/lib/queries/use-polled";
import { fetchJobs, jobsKey } from "./api";
import { JobsTable } from "./jobs-table";

/** Running and queued jobs (with live progress) above the history, polled every 2 s. */
export function MaintenancePage({ server }: { server: string }) {
  const db = useSearchParams().get("db") ?? undefined;
  const q = usePolled(jobsKey(server, db), () => fetchJobs(server, db, 200));
  const jobs = q.data?.jobs ?? [];
  const active = jobs.filter((j) => j.state !== "done");
  const history = jobs.filter((j) => j.state === "done");
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-lg font-semibold">Maintenance{db ? ` · ${db}` : " · all databases"}</h1>
        <Freshness updatedAt={q.dataUpdatedAt || undefined} error={q.error} paused={q.paused} onTogglePause={() => q.setPaused(!q.paused)} />
      </div>
      <p className="text-xs text-zinc-500">
        Jobs are started from the Tables and Indexes pages. One job runs per database at a time, on its own connection with its own lock timeout; the rest wait in
        the queue. A job that cannot get its lock in time gives up instead of blocking everyone behind it.
      </p>
      <section className="flex flex-col gap-2">
        <h2 className="text-sm font-semibold">Running and queued ({active.length})</h2>
        {active.length ? <JobsTable server={server} jobs={active} showDatabase={!db} /> : <p className="text-sm text-zinc-500">Nothing running.</p>}
      </section>
      <section className="flex flex-col gap-2">
        <h2 className="text-sm font-semibold">History</h2>
        <JobsTable server={server} jobs={history} showDatabase={!db} />
      </section>
    </div>
  );
}
