import "server-only";
import { ApiError } from "@/lib/api/errors";
import { findServer } from "@/lib/config/servers";
import { resolveDatabase } from "@/lib/pg/databases";
import { maintenanceProgress } from "@/lib/pg/maintenance";
import { queryTextFor } from "@/lib/pg/query-text";
import { relationUsers } from "@/lib/pg/relation-users";
import { coalescedRead, read } from "@/lib/pg/run";
import type { Job, JobResponse, JobsQuery, JobsResponse, RelationUsersResponse } from "@/lib/schemas/jobs";
import { jobRow, jobRows, type JobRow } from "@/lib/store/jobs";
import { ensureJobWorker } from "./worker";

// Jobs as the pages see them: the store's row plus, while running, the live progress read from
// pg_stat_progress_* by the job's pid (coalesced: every viewer's poll costs one read).

async function progressOf(row: JobRow): Promise<Pick<Job, "progress" | "progressError">> {
  if (row.state !== "running" || row.pid === null || !findServer(row.server)) return { progress: null };
  const pid = row.pid;
  try {
    const progress = await coalescedRead({ server: row.server, database: row.database }, `job-progress:${pid}`, (db) => maintenanceProgress(db, pid));
    return { progress };
  } catch (err) {
    return { progress: null, progressError: (err as Error).message };
  }
}

export async function withProgress(rows: JobRow[]): Promise<Job[]> {
  return Promise.all(
    rows.map(async (r) => {
      const { auditIntentId: _audit, ...job } = r;
      return { ...job, ...(await progressOf(r)) };
    }),
  );
}

/** Running and queued jobs first, then history; of one database (`?db=`) or all of the server. */
export async function serverJobs(server: string, query: JobsQuery): Promise<JobsResponse> {
  ensureJobWorker(); // the first look after a start also reaps jobs of a console that died
  const rows = await jobRows(server, query.db, query.limit);
  return { jobs: await withProgress(rows), readAt: Date.now() };
}

export async function serverJob(server: string, id: number): Promise<JobResponse> {
  ensureJobWorker();
  const row = await jobRow(server, id);
  if (!row) throw new ApiError(404, "job_not_found", "No job with that id on this server.");
  const [job] = await withProgress([row]);
  return { job: job!, readAt: Date.now() };
}

/** What VACUUM FULL would collide with: the sessions holding or awaiting locks on the table now. */
export async function vacuumFullPreview(server: string, dbName: string | undefined, relid: number, role: string): Promise<RelationUsersResponse> {
  const found = await read(await resolveDatabase(server, dbName), (db) => relationUsers(db, relid));
  return { ...found, users: await queryTextFor(found.users, role), readAt: Date.now() };
}
