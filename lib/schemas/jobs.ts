import { VacuumAdvice } from "./health";
import type { Permission } from "@/lib/auth/permissions";
import { z } from "./zod";
import {
  AnalyzeOptions,
  ExactBloat,
  LockTimeoutMs,
  MaintenanceNotice,
  MaintenanceProgress,
  MaintenanceStatus,
  RelationOid,
  ReindexOptions,
  VacuumFullOptions,
  VacuumOptions,
} from "./maintenance";
import { OID_MAX, ServerParams, intParam } from "./common";
import { DatabaseQuery } from "./servers";

// Maintenance jobs: requests to queue them (one route per permission), and the job rows with
// live progress. Options come from the maintenance allow-list (lib/schemas/maintenance.ts).

export const JobCommand = z.enum(["vacuum", "vacuum_analyze", "vacuum_full", "analyze", "reindex_index", "reindex_table", "bloat_exact"]);
export type JobCommand = z.infer<typeof JobCommand>;

/**
 * The permission a command needs: to queue it, and to cancel it (an operator may not stop an
 * admin's VACUUM FULL). Shared by the routes, lib/jobs/cancel.ts and the buttons.
 */
export const JOB_PERMISSION: Record<JobCommand, Permission> = {
  vacuum: "vacuum",
  vacuum_analyze: "vacuum",
  analyze: "analyze",
  reindex_index: "reindex",
  reindex_table: "reindex",
  vacuum_full: "vacuum_full",
  bloat_exact: "bloat_exact",
};

export const JobState = z.enum(["queued", "running", "done"]);
export type JobState = z.infer<typeof JobState>;

/** A selection: up to 100 relations, each becomes one job, run one after another. */
const Relids = z.array(RelationOid).min(1).max(100);

export const VacuumJobsRequest = z
  .object({ command: z.enum(["vacuum", "vacuum_analyze"]), relids: Relids, lockTimeoutMs: LockTimeoutMs, options: VacuumOptions.default({}) })
  .strict();
export const AnalyzeJobsRequest = z
  .object({ command: z.literal("analyze"), relids: Relids, lockTimeoutMs: LockTimeoutMs, options: AnalyzeOptions.default({}) })
  .strict();
export const ReindexJobsRequest = z
  .object({ command: z.enum(["reindex_index", "reindex_table"]), relids: Relids, lockTimeoutMs: LockTimeoutMs, options: ReindexOptions.default({}) })
  .strict();
/** The words are typed by the person; the server checks them too, not only the dialog. */
export const VACUUM_FULL_CONFIRMATION = "vacuum full";
export const VacuumFullJobsRequest = z
  .object({
    command: z.literal("vacuum_full"),
    relids: Relids,
    lockTimeoutMs: LockTimeoutMs,
    options: VacuumFullOptions.default({}),
    confirm: z.literal(VACUUM_FULL_CONFIRMATION),
  })
  .strict();

/** Exact bloat of one relation (pgstattuple reads all of it): one job. */
export const ExactBloatJobRequest = z.object({ relid: RelationOid, lockTimeoutMs: LockTimeoutMs }).strict();

export type JobsRequest =
  | z.infer<typeof VacuumJobsRequest>
  | z.infer<typeof AnalyzeJobsRequest>
  | z.infer<typeof ReindexJobsRequest>
  | z.infer<typeof VacuumFullJobsRequest>
  | { command: "bloat_exact"; relids: number[]; lockTimeoutMs: number; options: Record<string, never> };

export const JobParams = ServerParams.extend({ job: intParam(1, Number.MAX_SAFE_INTEGER) });

export const JobsQuery = DatabaseQuery.extend({
  limit: intParam(1, 500, 100),
});
export type JobsQuery = z.infer<typeof JobsQuery>;

export const Job = z.object({
  id: z.number(),
  server: z.string(),
  database: z.string(),
  relid: z.number(),
  relation: z.string(),
  command: JobCommand,
  options: z.record(z.string(), z.unknown()),
  lockTimeoutMs: z.number(),
  state: JobState,
  outcome: MaintenanceStatus.nullable(),
  user: z.string().nullable(),
  queuedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  /** running: since start; done: how long it ran; queued: null */
  elapsedMs: z.number().nullable(),
  pid: z.number().nullable(),
  /** exact to the microsecond, as pg_stat_activity shows it */
  backendStart: z.string().nullable(),
  statement: z.string().nullable(),
  message: z.string().nullable(),
  sqlstate: z.string().nullable(),
  notices: z.array(MaintenanceNotice),
  blockedBy: z.array(z.number()),
  cancelRequested: z.boolean(),
  /** a cancel signal reached the job's backend (pid + backend_start + tag matched) */
  cancelSent: z.boolean(),
  /** another console process took over this job after the one running it stopped */
  reattachedAt: z.string().nullable(),
  /** the comment the job's statement starts with, as it shows in pg_stat_activity */
  tag: z.string().nullable(),
  /** queued jobs: how many of this database's jobs are ahead of it (the running one included) */
  ahead: z.number().nullable(),
  /** running jobs: read from pg_stat_progress_* now; null when unavailable */
  progress: MaintenanceProgress.nullable(),
  progressError: z.string().optional(),
  /** bloat_exact: pgstattuple's figures */
  result: ExactBloat.nullable(),
  /** VACUUM jobs that left dead rows: what holds the xmin horizon (the vacuum advisor) */
  advice: VacuumAdvice.nullable(),
});
export type Job = z.infer<typeof Job>;

export const JobsResponse = z.object({ jobs: z.array(Job), readAt: z.number() });
export type JobsResponse = z.infer<typeof JobsResponse>;

export const JobResponse = z.object({ job: Job, readAt: z.number() });
export type JobResponse = z.infer<typeof JobResponse>;

export const CreateJobsResponse = z.object({ jobs: z.array(Job) });
export type CreateJobsResponse = z.infer<typeof CreateJobsResponse>;

/** Per relation: the latest finished exact read (figures in job.result) and one queued or running now. */
export const ExactBloatJobsResponse = z.object({
  relations: z.array(z.object({ oid: z.number(), latest: Job.nullable(), pending: Job.nullable() })),
  readAt: z.number(),
});
export type ExactBloatJobsResponse = z.infer<typeof ExactBloatJobsResponse>;

export const CancelJobResponse = z.object({
  job: Job,
  /** cancel_requested: the backend is alive but its statement has not started; the worker delivers it */
  outcome: z.enum(["cancelled", "cancel_sent", "cancel_requested", "already_done"]),
  message: z.string(),
});
export type CancelJobResponse = z.infer<typeof CancelJobResponse>;

/** Who uses a relation now: what a VACUUM FULL (ACCESS EXCLUSIVE) would wait for and then block. */
export const RelationUsersQuery = DatabaseQuery.extend({ relid: intParam(1, OID_MAX) });
export const RelationUser = z.object({
  pid: z.number(),
  user: z.string().nullable(),
  application: z.string().nullable(),
  client: z.string().nullable(),
  state: z.string().nullable(),
  /** ms since the transaction started */
  xactAgeMs: z.number().nullable(),
  query: z.string().nullable(),
  /** lock modes on the table or its indexes/TOAST */
  modes: z.array(z.string()),
  granted: z.boolean(),
  console: z.boolean(),
});
export type RelationUser = z.infer<typeof RelationUser>;
export const RelationUsersResponse = z.object({
  relation: z.string().nullable(),
  users: z.array(RelationUser),
  readAt: z.number(),
});
export type RelationUsersResponse = z.infer<typeof RelationUsersResponse>;
