"use client";
import { fetchJson, postJson } from "@/lib/queries/fetch-json";
import { CancelJobResponse, CreateJobsResponse, JobsResponse, RelationUsersResponse, type JobCommand } from "@/lib/schemas/jobs";

// Client side of the jobs routes. Queueing goes to the route of the command's permission.

const base = (server: string) => `/api/servers/${encodeURIComponent(server)}/jobs`;
const dbq = (db: string | undefined, extra = "") => {
  const sp = new URLSearchParams(extra);
  if (db) sp.set("db", db);
  const s = sp.toString();
  return s ? `?${s}` : "";
};

export const ROUTE_OF: Record<JobCommand, string> = {
  vacuum: "vacuum",
  vacuum_analyze: "vacuum",
  analyze: "analyze",
  reindex_index: "reindex",
  reindex_table: "reindex",
  vacuum_full: "vacuum-full",
};

export const LABEL_OF: Record<JobCommand, string> = {
  vacuum: "VACUUM",
  vacuum_analyze: "VACUUM ANALYZE",
  analyze: "ANALYZE",
  reindex_index: "REINDEX INDEX CONCURRENTLY",
  reindex_table: "REINDEX TABLE CONCURRENTLY",
  vacuum_full: "VACUUM FULL",
};

export const jobsKey = (server: string, db: string | undefined) => ["jobs", server, db ?? null] as const;

export function fetchJobs(server: string, db: string | undefined, limit = 100) {
  return fetchJson(`${base(server)}${dbq(db, `limit=${limit}`)}`, JobsResponse);
}

export function queueJobs(server: string, db: string | undefined, command: JobCommand, body: Record<string, unknown>) {
  return postJson(`${base(server)}/${ROUTE_OF[command]}${dbq(db)}`, { command, ...body }, CreateJobsResponse);
}

export function cancelJob(server: string, id: number) {
  return postJson(`${base(server)}/${id}/cancel`, {}, CancelJobResponse);
}

export function fetchRelationUsers(server: string, db: string | undefined, relid: number) {
  return fetchJson(`${base(server)}/vacuum-full${dbq(db, `relid=${relid}`)}`, RelationUsersResponse);
}
