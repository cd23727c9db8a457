"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import {
  CancelJobResponse,
  CreateJobsResponse,
  ExactBloatJobsResponse,
  JobsResponse,
  RelationUsersResponse,
  type Job,
  type JobCommand,
} from "@/lib/schemas/jobs";
import { serverUrl } from "./api";
import { fetchJson, postJson } from "./fetch-json";
import { storageKeys } from "./storage";
import { usePolled } from "./use-polled";

// Client side of the maintenance job routes. Queueing goes to the route of the command's permission.

/** Exact bloat is queued from the bloat panel (its own route), not from the job buttons. */
export type QueuedCommand = Exclude<JobCommand, "bloat_exact">;

export const ROUTE_OF: Record<QueuedCommand, string> = {
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

export const jobsKeys = {
  all: (server: string) => ["jobs", server] as const,
  list: (server: string, db: string | undefined, limit: number) => ["jobs", server, "list", db ?? null, limit] as const,
  relationUsers: (server: string, db: string | undefined, relid: number) => ["jobs", server, "relation-users", db ?? null, relid] as const,
};

export const jobsUrl = (server: string, db: string | undefined, limit: number) => serverUrl(server, ["jobs"], { db, limit });
export const queueUrl = (server: string, db: string | undefined, command: QueuedCommand) => serverUrl(server, ["jobs", ROUTE_OF[command]], { db });
export const cancelJobUrl = (server: string, id: number) => serverUrl(server, ["jobs", id, "cancel"]);
export const relationUsersUrl = (server: string, db: string | undefined, relid: number) => serverUrl(server, ["jobs", "vacuum-full"], { db, relid });

export const useJobs = (server: string, db: string | undefined, limit: number) =>
  usePolled(jobsKeys.list(server, db, limit), () => fetchJson(jobsUrl(server, db, limit), JobsResponse));

/** The sessions using a table now (what VACUUM FULL would wait for, then block). */
export const useRelationUsers = (server: string, db: string | undefined, relid: number) =>
  usePolled(jobsKeys.relationUsers(server, db, relid), () => fetchJson(relationUsersUrl(server, db, relid), RelationUsersResponse), { intervalMs: 3_000 });

export function useQueueJobs(server: string, db: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ command, body }: { command: QueuedCommand; body: Record<string, unknown> }) =>
      postJson(queueUrl(server, db, command), { command, ...body }, CreateJobsResponse),
    onSettled: () => qc.invalidateQueries({ queryKey: jobsKeys.all(server) }),
  });
}

export const exactBloatUrl = (server: string, db: string | undefined, oids?: number[]) =>
  serverUrl(server, ["bloat", "exact"], { db, oids: oids?.join(",") });
/** Under the database's storage key: a finished job refreshes it with the rest of the page. */
const exactBloatKey = (server: string, db: string | undefined, oids: number[]) => [...storageKeys.database(server, db), "exact-bloat", oids.join(",")] as const;

/**
 * The latest exact figures (pgstattuple, run as a job) of a page of relations, and any read queued
 * or running, in one request; polled only while a read is pending.
 */
export function useExactBloat(server: string, db: string | undefined, oids: number[]) {
  return useQuery({
    queryKey: exactBloatKey(server, db, oids),
    queryFn: () => fetchJson(exactBloatUrl(server, db, oids), ExactBloatJobsResponse),
    enabled: oids.length > 0,
    refetchInterval: (query) => (query.state.data?.relations.some((r) => r.pending) ? 2_000 : false),
    placeholderData: (prev) => prev,
    retry: false,
  });
}

/** Queues one exact read; never retried (it reads the whole relation). */
export function useQueueExactBloat(server: string, db: string | undefined) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (relid: number) => postJson(exactBloatUrl(server, db), { relid }, CreateJobsResponse),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: [...storageKeys.database(server, db), "exact-bloat"] });
      void qc.invalidateQueries({ queryKey: jobsKeys.all(server) });
    },
  });
}

/** Never retried; whatever happened, the list is read again. */
export function useCancelJob(server: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => postJson(cancelJobUrl(server, id), {}, CancelJobResponse),
    onSettled: () => qc.invalidateQueries({ queryKey: jobsKeys.all(server) }),
  });
}

/**
 * When a job of this list ends, the storage views of its server are read again at once, so a
 * table's row shows the new last vacuum / analyze (the server dropped its cache when the job
 * ended). The whole server, not the job's database: a page on the default database has no name
 * for it in its key.
 */
export function useRefreshWhenJobsEnd(server: string, jobs: Job[]) {
  const qc = useQueryClient();
  const running = useRef<Set<number>>(new Set());
  const activeIds = jobs
    .filter((j) => j.state !== "done")
    .map((j) => j.id)
    .join(",");
  useEffect(() => {
    const now = new Set(activeIds ? activeIds.split(",").map(Number) : []);
    if ([...running.current].some((id) => !now.has(id))) void qc.invalidateQueries({ queryKey: storageKeys.all(server) });
    running.current = now;
  }, [activeIds, qc, server]);
}
