import { z } from "./zod";
import { Finding, Limit, ServerLink } from "./findings";

// PgBouncer's admin console (SHOW POOLS / STATS / DATABASES / CLIENTS / SERVERS / CONFIG) and the
// PAUSE / RESUME / RECONNECT actions. Columns differ across PgBouncer versions: every field a
// version may lack is nullable. Times in milliseconds unless the name says microseconds (Us).

const N = z.number().nullable();

export const Pool = z.object({
  database: z.string(),
  user: z.string(),
  clActive: z.number(),
  /** clients queued for a server connection: the number to watch */
  clWaiting: z.number(),
  clActiveCancelReq: N,
  clWaitingCancelReq: N,
  svActive: z.number(),
  svActiveCancel: N,
  svBeingCanceled: N,
  svIdle: z.number(),
  svUsed: z.number(),
  svTested: z.number(),
  svLogin: z.number(),
  /** how long the oldest waiting client has waited */
  maxwaitMs: z.number(),
  poolMode: z.string().nullable(),
});
export type Pool = z.infer<typeof Pool>;

export const DatabaseStats = z.object({
  database: z.string(),
  totalXactCount: z.number(),
  totalQueryCount: z.number(),
  totalReceivedBytes: z.number(),
  totalSentBytes: z.number(),
  totalXactTimeUs: z.number(),
  totalQueryTimeUs: z.number(),
  totalWaitTimeUs: z.number(),
  /** averages over PgBouncer's last stats_period (60 s by default) */
  xactPerSecond: z.number(),
  queryPerSecond: z.number(),
  receivedBytesPerSecond: z.number(),
  sentBytesPerSecond: z.number(),
  avgXactTimeUs: z.number(),
  avgQueryTimeUs: z.number(),
  avgWaitTimeUs: N,
});
export type DatabaseStats = z.infer<typeof DatabaseStats>;

export const BouncerDatabase = z.object({
  name: z.string(),
  host: z.string().nullable(),
  port: N,
  database: z.string().nullable(),
  forceUser: z.string().nullable(),
  poolSize: N,
  minPoolSize: N,
  reservePool: N,
  poolMode: z.string().nullable(),
  /** max_db_connections (0 = no limit) */
  maxConnections: N,
  currentConnections: N,
  paused: z.boolean(),
  disabled: z.boolean(),
  /** PgBouncer's own admin console database: no actions */
  admin: z.boolean(),
});
export type BouncerDatabase = z.infer<typeof BouncerDatabase>;

/** One row of SHOW CLIENTS or SHOW SERVERS. */
export const BouncerConnection = z.object({
  type: z.string().nullable(),
  user: z.string().nullable(),
  database: z.string().nullable(),
  state: z.string().nullable(),
  addr: z.string().nullable(),
  port: N,
  localAddr: z.string().nullable(),
  localPort: N,
  connectTime: z.string().nullable(),
  requestTime: z.string().nullable(),
  /** how long a waiting client has waited */
  waitMs: N,
  closeNeeded: z.boolean().nullable(),
  ptr: z.string().nullable(),
  link: z.string().nullable(),
  remotePid: N,
  tls: z.string().nullable(),
  applicationName: z.string().nullable(),
  /** the console's own admin-console connection */
  console: z.boolean(),
});
export type BouncerConnection = z.infer<typeof BouncerConnection>;

export const SizingAdvice = z.object({
  /** the PostgreSQL entry the advice is for */
  server: ServerLink.nullable(),
  cores: N,
  coresSource: z.enum(["servers_file", "server"]).nullable(),
  /** cores × 2 + 1 (effective spindles: 1 for SSD) */
  recommendedActive: N,
  /** the most server connections the pools may open to this server */
  configuredMax: N,
  /** PostgreSQL's max_connections minus superuser_reserved_connections */
  postgresLimit: N,
  advice: z.array(z.string()),
  /** what the console needs to give advice, when it cannot */
  needed: z.string().nullable(),
});
export type SizingAdvice = z.infer<typeof SizingAdvice>;

export const PgbouncerResponse = z.object({
  server: z.string(),
  version: z.string().nullable(),
  pools: z.array(Pool),
  stats: z.array(DatabaseStats),
  databases: z.array(BouncerDatabase),
  /** PostgreSQL entries that name this PgBouncer (`"pgbouncer": "<id>"` in the servers file) */
  fronts: z.array(ServerLink),
  sizing: z.array(SizingAdvice),
  limits: z.array(Limit),
  findings: z.array(Finding),
  readAt: z.number(),
});
export type PgbouncerResponse = z.infer<typeof PgbouncerResponse>;

export const BouncerConnectionsQuery = z.object({
  database: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(5_000).default(1_000),
});
export type BouncerConnectionsQuery = z.infer<typeof BouncerConnectionsQuery>;

export const BouncerConnectionsResponse = z.object({
  server: z.string(),
  rows: z.array(BouncerConnection),
  /** rows before the limit */
  total: z.number(),
  readAt: z.number(),
});
export type BouncerConnectionsResponse = z.infer<typeof BouncerConnectionsResponse>;

export const BouncerConfigResponse = z.object({
  server: z.string(),
  settings: z.array(z.object({ key: z.string(), value: z.string().nullable(), default: z.string().nullable(), changeable: z.boolean().nullable() })),
  readAt: z.number(),
});
export type BouncerConfigResponse = z.infer<typeof BouncerConfigResponse>;

// ---- actions ----

export const BouncerAction = z.enum(["pause", "resume", "reconnect"]);
export type BouncerAction = z.infer<typeof BouncerAction>;

/** `database` must be listed by SHOW DATABASES; `confirm` is the typed phrase `<action> <database>`. */
export const BouncerActionBody = z.object({ database: z.string().min(1).max(200), confirm: z.string().max(300) });
export type BouncerActionBody = z.infer<typeof BouncerActionBody>;

export function bouncerConfirmation(action: BouncerAction, database: string): string {
  return `${action} ${database}`;
}

export const BouncerActionOutcome = z.enum(["ok", "not_found", "not_permitted", "failed", "unknown"]);

export const BouncerActionResponse = z.object({
  action: BouncerAction,
  database: z.string(),
  outcome: BouncerActionOutcome,
  message: z.string(),
  /** SHOW DATABASES' paused flag read after the command */
  paused: z.boolean().nullable(),
});
export type BouncerActionResponse = z.infer<typeof BouncerActionResponse>;

/** The request schema of one action route: the confirmation must match the action and database. */
export function bouncerActionRequest(action: BouncerAction) {
  return BouncerActionBody.refine((b) => b.confirm === bouncerConfirmation(action, b.database), {
    path: ["confirm"],
    message: `type exactly: ${action} <database>`,
  });
}

// ---- pool history (the sampler's SHOW POOLS points, kept 2 days) ----
export const POOL_HISTORY_RANGES = ["1h", "6h", "24h"] as const;
export const PoolHistoryRange = z.enum(POOL_HISTORY_RANGES);
export type PoolHistoryRange = z.infer<typeof PoolHistoryRange>;

export const PoolHistoryQuery = z.object({ range: PoolHistoryRange.default("1h") });
export type PoolHistoryQuery = z.infer<typeof PoolHistoryQuery>;

/** One pool's series, each aligned with the response's `t` (null = no sample in that bucket). */
export const PoolHistorySeries = z.object({
  database: z.string(),
  user: z.string(),
  /** the peak of clients waiting in the bucket (a short queue must not average away) */
  waiting: z.array(N),
  /** the peak of maxwait in the bucket, milliseconds */
  maxwaitMs: z.array(N),
  /** clients active on a server connection, averaged over the bucket */
  active: z.array(N),
});
export type PoolHistorySeries = z.infer<typeof PoolHistorySeries>;

export const PoolHistoryResponse = z.object({
  server: z.string(),
  range: PoolHistoryRange,
  /** bucket width, seconds */
  stepS: z.number(),
  /** epoch ms of each bucket's start */
  t: z.array(z.number()),
  /** the pools with the most waiting (then active) clients first; the rest are counted in omittedPools */
  pools: z.array(PoolHistorySeries),
  omittedPools: z.number(),
  /** how many days of points the store keeps */
  retentionDays: z.number(),
  readAt: z.number(),
});
export type PoolHistoryResponse = z.infer<typeof PoolHistoryResponse>;
