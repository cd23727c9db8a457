import { VacuumAdvice } from "./health";
import { z } from "./zod";
import { OID_MAX, int } from "./common";

// Maintenance requests. Every option comes from an allow-list: values are enums, bounded ints or
// strictly patterned strings, so nothing typed by a person reaches the statement as SQL
// (pgAdmin CVE-2026-7815 injected through buffer_usage_limit / parallel values).

export const RelationOid = int(1, OID_MAX);

const BUFFER_UNITS = { kB: 1, MB: 1024, GB: 1024 * 1024 } as const;
/** PostgreSQL accepts 128 kB … 16 GB, or 0 to disable the ring buffer. */
export const BUFFER_USAGE_LIMIT_PRESETS = ["0", "256 kB", "2 MB", "16 MB", "128 MB", "1 GB"] as const;
const BUFFER_PATTERN = /^(\d{1,8}) (kB|MB|GB)$/;

export const BufferUsageLimit = z.union([
  z.enum(BUFFER_USAGE_LIMIT_PRESETS),
  z
    .string()
    .regex(BUFFER_PATTERN, 'use "<number> kB|MB|GB", e.g. "256 kB"')
    .refine((v) => {
      const m = BUFFER_PATTERN.exec(v);
      if (!m) return false;
      const kb = Number(m[1]) * BUFFER_UNITS[m[2] as keyof typeof BUFFER_UNITS];
      return kb >= 128 && kb <= 16 * 1024 * 1024;
    }, "must be between 128 kB and 16 GB"),
]);

export const MAX_PARALLEL = 32;

const Verbose = { verbose: z.boolean().optional() };
const SkipLocked = { skipLocked: z.boolean().optional() };

export const VacuumOptions = z
  .object({
    ...Verbose,
    ...SkipLocked,
    indexCleanup: z.enum(["auto", "on", "off"]).optional(),
    parallel: int(0, MAX_PARALLEL).optional(),
    /** PostgreSQL 16+ */
    bufferUsageLimit: BufferUsageLimit.optional(),
    /** only `false` is offered: it avoids the ACCESS EXCLUSIVE lock taken to truncate the end */
    truncate: z.literal(false).optional(),
  })
  .strict();
export const VacuumFullOptions = z.object({ ...Verbose, ...SkipLocked }).strict();
export const AnalyzeOptions = z.object({ ...Verbose, ...SkipLocked, bufferUsageLimit: BufferUsageLimit.optional() }).strict();
export const ReindexOptions = z.object({ ...Verbose }).strict();
/** pgstattuple / pgstatindex take no options. */
export const ExactBloatOptions = z.object({}).strict();

/** Lock wait before giving up: fail fast rather than queue behind a reader and block everyone. */
export const LockTimeoutMs = int(100, 60_000).default(3_000);

const base = { relid: RelationOid, lockTimeoutMs: LockTimeoutMs };

export const MaintenanceRequest = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("vacuum"), ...base, options: VacuumOptions.default({}) }).strict(),
  z.object({ kind: z.literal("vacuum_analyze"), ...base, options: VacuumOptions.default({}) }).strict(),
  z.object({ kind: z.literal("vacuum_full"), ...base, options: VacuumFullOptions.default({}) }).strict(),
  z.object({ kind: z.literal("analyze"), ...base, options: AnalyzeOptions.default({}) }).strict(),
  z.object({ kind: z.literal("reindex_index"), ...base, options: ReindexOptions.default({}) }).strict(),
  z.object({ kind: z.literal("reindex_table"), ...base, options: ReindexOptions.default({}) }).strict(),
  /** exact bloat: pgstattuple (tables) or pgstatindex (btree indexes); reads the whole relation */
  z.object({ kind: z.literal("bloat_exact"), ...base, options: ExactBloatOptions.default({}) }).strict(),
]);
export type MaintenanceRequest = z.infer<typeof MaintenanceRequest>;
export type MaintenanceKind = MaintenanceRequest["kind"];

/** "unknown": the connection broke while the statement may have run; re-read, never auto-retry. */
export const MaintenanceStatus = z.enum(["ok", "skipped", "blocked", "cancelled", "refused", "failed", "unknown"]);
export type MaintenanceStatus = z.infer<typeof MaintenanceStatus>;

export const MaintenanceNotice = z.object({ severity: z.string(), code: z.string().optional(), message: z.string() });
export type MaintenanceNotice = z.infer<typeof MaintenanceNotice>;

/** pgstattuple's figures for one relation, as a job's result. */
export const ExactBloat = z.object({
  oid: z.number(),
  kind: z.enum(["table", "index"]),
  name: z.string(),
  totalBytes: z.number(),
  /** table: dead tuples + free space; index: the unused part of leaf pages */
  wastedBytes: z.number(),
  wastedPct: z.number(),
  details: z.record(z.string(), z.number().nullable()),
});
export type ExactBloat = z.infer<typeof ExactBloat>;

export const MaintenanceOutcome = z.object({
  status: MaintenanceStatus,
  /** the exact statement sent (null when refused before building one) */
  statement: z.string().nullable(),
  relation: z.object({ oid: z.number(), schema: z.string(), name: z.string(), kind: z.string() }).nullable(),
  pid: z.number().nullable(),
  message: z.string(),
  sqlstate: z.string().optional(),
  blockedBy: z.array(z.number()).optional(),
  notices: z.array(MaintenanceNotice),
  durationMs: z.number(),
  /** what the statement returned, for commands that return something (bloat_exact) */
  result: ExactBloat.optional(),
  /** VACUUM that left dead rows: why (the vacuum advisor) */
  advice: VacuumAdvice.optional(),
});
export type MaintenanceOutcome = z.infer<typeof MaintenanceOutcome>;

export const MaintenanceProgress = z.object({
  pid: z.number(),
  /** pgstattuple: PostgreSQL reports no progress for it; elapsed time and relationBytes are all there is */
  command: z.enum(["vacuum", "analyze", "create_index", "cluster", "pgstattuple"]).nullable(),
  phase: z.string().nullable(),
  blocksDone: z.number().nullable(),
  blocksTotal: z.number().nullable(),
  percent: z.number().nullable(),
  /** the job is waiting for a lock held or queued by these pids */
  waitingOn: z.array(z.number()),
  running: z.boolean(),
  /** pgstattuple: the size of what it reads (pg_class.relpages × block size when the job started) */
  relationBytes: z.number().nullable().optional(),
});
export type MaintenanceProgress = z.infer<typeof MaintenanceProgress>;
