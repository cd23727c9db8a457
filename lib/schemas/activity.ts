import { z } from "./zod";
import { optionalNumberParam, optionalText } from "./common";

// Activity: one row per backend in pg_stat_activity. Shared by the route and the page.

/** Why the console will not signal a session; undefined when it may. */
export const UnkillableReason = z.enum([
  "console_session", // pgwarden's own connection
  "background_process", // autovacuum, walsender, checkpointer ...
  "superuser_session", // the console role is not superuser
  "not_permitted", // no pg_signal_backend and not a member of the target's role
  "hidden_session", // details hidden (needs pg_read_all_stats): its identity cannot be verified
]);
export type UnkillableReason = z.infer<typeof UnkillableReason>;

export const Session = z.object({
  pid: z.number().int(),
  /** backend_start in microseconds since epoch: the identity guard against pid reuse. */
  backendStartUs: z.number().int().nullable(),
  database: z.string().nullable(),
  user: z.string().nullable(),
  application: z.string(),
  clientAddr: z.string().nullable(),
  backendType: z.string(),
  state: z.string().nullable(),
  waitEventType: z.string().nullable(),
  waitEvent: z.string().nullable(),
  /** epoch ms, null when PostgreSQL does not report it (or it is hidden) */
  xactStart: z.number().nullable(),
  queryStart: z.number().nullable(),
  stateChange: z.number().nullable(),
  blockedBy: z.array(z.number().int()),
  query: z.string().nullable(),
  queryTruncated: z.boolean(),
  /** false when the console's role cannot see this session's details (needs pg_read_all_stats) */
  visible: z.boolean(),
  unkillable: UnkillableReason.nullable(),
});
export type Session = z.infer<typeof Session>;

export const ACTIVITY_STATES = ["active", "idle", "idle in transaction", "idle in transaction (aborted)", "fastpath function call", "disabled"] as const;

export const SORT_KEYS = ["duration", "query_age", "xact_age", "backend_age", "pid", "database", "user", "application", "state"] as const;

const csv = optionalText(200);

const listItems = (v: string) => v.split(",").map((x) => x.trim()).filter(Boolean);

/** Comma-separated session states; an unknown one is an error, not a filter that matches nothing. */
const StateList = z.preprocess(
  (v) => (v === "" ? undefined : v),
  z
    .string()
    .max(200)
    .refine((v) => listItems(v).every((x) => (ACTIVITY_STATES as readonly string[]).includes(x)), {
      message: `not a session state (${ACTIVITY_STATES.join(", ")})`,
    })
    .optional(),
);

export const ActivityQuery = z.object({
  background: z.enum(["0", "1"]).optional(),
  state: StateList,
  database: csv,
  user: csv,
  application: csv,
  /** minimum query (or transaction, for idle in transaction) age in seconds */
  minDuration: optionalNumberParam(0, 10_000_000),
  text: optionalText(500),
  sort: z.enum(SORT_KEYS).optional(),
  dir: z.enum(["asc", "desc"]).optional(),
});
export type ActivityQuery = z.infer<typeof ActivityQuery>;

export const ActivitySummary = z.object({
  maxConnections: z.number(),
  /** all backends counting against max_connections (client + background that use slots) */
  connections: z.number(),
  reservedConnections: z.number(),
  /** active sessions, the console's own left out (its snapshot read is always active) */
  active: z.number(),
  /** the console's own active sessions: its reads and its maintenance jobs */
  consoleActive: z.number(),
  idle: z.number(),
  idleInTransaction: z.number(),
  waiting: z.number(),
  longestQueryMs: z.number().nullable(),
  longestTransactionMs: z.number().nullable(),
});
export type ActivitySummary = z.infer<typeof ActivitySummary>;

/**
 * A blocking chain carries its own sessions, taken from the whole snapshot: the list's filters
 * never hide a root blocker or its "terminate" (null: the pid is not a backend, e.g. a prepared
 * transaction, which pg_blocking_pids reports as 0).
 */
export const BlockingNode: z.ZodType<BlockingNode> = z.lazy(() =>
  z.object({ pid: z.number(), session: Session.nullable(), waiters: z.array(BlockingNode) }),
);
export interface BlockingNode {
  pid: number;
  session: Session | null;
  waiters: BlockingNode[];
}

export const ActivityResponse = z.object({
  readAt: z.number(),
  /** the database server's clock (epoch ms) when the snapshot was taken: ages are computed against it */
  serverNow: z.number(),
  summary: ActivitySummary,
  sessions: z.array(Session),
  /** total rows before filters */
  totalSessions: z.number(),
  /** roots of blocking chains with their waiters, any depth */
  blockingTrees: z.array(BlockingNode),
  /** true when the console's role lacks pg_read_all_stats: other users' sessions are partly hidden */
  limitedVisibility: z.boolean(),
  truncated: z.boolean(),
});
export type ActivityResponse = z.infer<typeof ActivityResponse>;
