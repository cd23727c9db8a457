"use client";
import { fetchJson, postJson } from "@/lib/queries/fetch-json";
import { CancelJobResponse, CreateJobsResponse, ExactBloatJobsResponse, JobsResponse, RelationUsersResponse, type JobCommand } from "@/lib/schemas/jobs";
import { ServerInfoResponse } from "@/lib/schemas/server-info";

// Client side of the jobs routes. Queueing goes to the route of the command's permission.

const base = (server: string) => `/api/servers/${encodeURIComponent(server)}/jobs`;
const dbq = (db: string | undefined, extra = "") => {
  const sp = new URLSearchParams(extra);
  if (db) sp.set("db", db);
  const s = sp.toString();
  return s ? `?${s}` : "";
};

type QueuedHere = Exclude<JobCommand, "bloat_exact">;

export const ROUTE_OF: Record<QueuedHere, string> = {
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
  bloat_exact: "exact bloat (pgstattuple)",
};

export const jobsKey = (server: string, db: string | undefined) => ["jobs", server, db ?? null] as const;

export function fetchJobs(server: string, db: string | undefined, limit = 100) {
  return fetchJson(`${base(server)}${dbq(db, `limit=${limit}`)}`, JobsResponse);
}

export function queueJobs(server: string, db: string | undefined, command: QueuedHere, body: Record<string, unknown>) {
  return postJson(`${base(server)}/${ROUTE_OF[command]}${dbq(db)}`, { command, ...body }, CreateJobsResponse);
}

export function cancelJob(server: string, id: number) {
  return postJson(`${base(server)}/${id}/cancel`, {}, CancelJobResponse);
}

export function fetchRelationUsers(server: string, db: string | undefined, relid: number) {
  return fetchJson(`${base(server)}/vacuum-full${dbq(db, `relid=${relid}`)}`, RelationUsersResponse);
}

const exactUrl = (server: string) => `/api/servers/${encodeURIComponent(server)}/bloat/exact`;

export const exactBloatKey = (server: string, db: string | undefined, oids: number[]) => ["exact-bloat", server, db ?? null, oids.join(",")] as const;

/** The latest exact figures (and any read queued or running) of these relations, in one request. */
export function fetchExactBloat(server: string, db: string | undefined, oids: number[]) {
  return fetchJson(`${exactUrl(server)}${dbq(db, `oids=${oids.join(",")}`)}`, ExactBloatJobsResponse);
}

export function queueExactBloat(server: string, db: string | undefined, relid: number) {
  return postJson(`${exactUrl(server)}${dbq(db)}`, { relid }, CreateJobsResponse);
}

/** Shared with the Server page (same key): whether jobs may run here, and why not. */
export const serverInfoKey = (server: string) => ["server-info", server] as const;

export function fetchServerInfo(server: string) {
  return fetchJson(`/api/servers/${encodeURIComponent(server)}/server-info`, ServerInfoResponse);
}
