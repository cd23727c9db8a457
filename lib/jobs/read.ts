import "server-only";
import { DomainError } from "@/lib/errors";
import { findServer } from "@/lib/config/servers";
import { resolveDatabase } from "@/lib/pg/databases";
import { maintenanceProgress } from "@/lib/pg/job-backend";
import { coalescedJobRead } from "@/lib/pg/job-connection";
import { queryTextFor } from "@/lib/pg/query-text";
import { relationUsers } from "@/lib/pg/locks";
import { currentDatabase } from "@/lib/pg/relation-catalog";
import { coalescedRead, read } from "@/lib/pg/run";
import type { ExactBloatJobsResponse, Job, JobResponse, JobsQuery, JobsResponse, RelationUsersResponse } from "@/lib/schemas/jobs";
import type { ExactBloatQuery } from "@/lib/schemas/storage";
import { exactBloatJobs, jobRow, jobRows, type JobRow } from "@/lib/store/jobs";
import { ensureJobWorker } from "./worker";

// Jobs as the pages see them: the store's row plus, while running, the live progress of the
// backend that runs the job's tagged statement (pid + backend_start + tag), read on the job's own
// endpoint and coalesced: every viewer's poll costs one read.

async function progressOf(row: JobRow): Promise<Pick<Job, "progress" | "progressError">> {
  if (row.state !== "running" || row.pid === null || row.backendStart === null || row.tag === null || !findServer(row.server)) {
    return { progress: null };
  }
  const backend = { pid: row.pid, backendStart: row.backendStart, tag: row.tag };
  const extras = { pgstattuple: row.command === "bloat_exact", relationBytes: row.relationBytes };
  try {
    const progress = await coalescedJobRead({ server: row.server, database: row.database }, `progress:${row.id}:${row.pid}`, (db) =>
      maintenanceProgress(db, backend, extras),
    );
    return { progress };
  } catch (err) {
    return { progress: null, progressError: (err as Error).message };
  }
}

export async function withProgress(rows: JobRow[]): Promise<Job[]> {
  return Promise.all(
    rows.map(async (r) => {
      const { auditIntentId: _audit, relationBytes: _bytes, ...job } = r;
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
  if (!row) throw new DomainError("not_found", "job_not_found", "No job with that id on this server.");
  const [job] = await withProgress([row]);
  return { job: job!, readAt: Date.now() };
}

/** What VACUUM FULL would collide with: the sessions holding or awaiting locks on the table now. */
export async function vacuumFullPreview(server: string, dbName: string | undefined, relid: number, role: string): Promise<RelationUsersResponse> {
  const found = await read(await resolveDatabase(server, dbName), (db) => relationUsers(db, relid));
  return { ...found, users: await queryTextFor(found.users, role), readAt: Date.now() };
}

/** Per relation of a bloat page: the latest exact figures (pgstattuple, run as a job) and a read queued or running now. */
export async function exactBloatStatus(server: string, query: ExactBloatQuery): Promise<ExactBloatJobsResponse> {
  ensureJobWorker();
  const target = await resolveDatabase(server, query.db);
  // Jobs record the database by name; without ?db= it is the one the server's URL names.
  const database = target.database ?? (await coalescedRead(target, "current-database", currentDatabase));
  const jobs = await withProgress(await exactBloatJobs(server, database, query.oids));
  return {
    relations: query.oids.map((oid) => ({
      oid,
      latest: jobs.find((j) => j.relid === oid && j.state === "done") ?? null,
      pending: jobs.find((j) => j.relid === oid && j.state !== "done") ?? null,
    })),
    readAt: Date.now(),
  };
}
