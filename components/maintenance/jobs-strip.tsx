"use client";
import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { usePolled } from "@/lib/queries/use-polled";
import { fetchJobs, jobsKey } from "./api";
import { JobsTable } from "./jobs-table";

/**
 * This database's running and queued jobs and the last few finished ones, under the storage
 * pages' action bar. When a job finishes, the page's own queries are read again at once so the
 * table's row shows the new last vacuum / analyze (the console dropped its cache when it ended).
 */
export function JobsStrip({ server, db, refetchKeys }: { server: string; db: string | undefined; refetchKeys: readonly unknown[][] }) {
  const qc = useQueryClient();
  const q = usePolled(jobsKey(server, db), () => fetchJobs(server, db, 20));
  const jobs = q.data?.jobs ?? [];
  const active = jobs.filter((j) => j.state !== "done");
  const shown = [...active, ...jobs.filter((j) => j.state === "done").slice(0, Math.max(0, 5 - active.length))];
  const activeIds = active.map((j) => j.id).join(",");
  const previous = useRef<string>("");
  useEffect(() => {
    const before = new Set(previous.current ? previous.current.split(",") : []);
    const now = new Set(activeIds ? activeIds.split(",") : []);
    previous.current = activeIds;
    if ([...before].some((id) => !now.has(id))) for (const key of refetchKeys) void qc.invalidateQueries({ queryKey: key });
  }, [activeIds, qc, refetchKeys]);
  if (shown.length === 0) return null;
  return (
    <section className="flex flex-col gap-1 rounded border border-zinc-200 p-2 dark:border-zinc-800" aria-label="Maintenance jobs" data-testid="jobs-strip">
      <div className="flex items-center justify-between text-sm">
        <h2 className="font-semibold">Maintenance jobs</h2>
        <Link className="text-blue-700 hover:underline dark:text-blue-300" href={`/servers/${server}/maintenance${db ? `?db=${encodeURIComponent(db)}` : ""}`}>
          all jobs and history
        </Link>
      </div>
      <JobsTable server={server} jobs={shown} showDatabase={false} />
    </section>
  );
}
