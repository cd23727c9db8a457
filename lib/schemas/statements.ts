import { z } from "./zod";
import { DatabaseName, intParam, optionalIntParam, ServerId, text } from "./common";

// Queries area (issue 13): top statements over a window from the sampler's pg_stat_statements
// deltas, one statement's history, and EXPLAIN. Shared by the routes and the browser.

export const STATEMENT_WINDOWS = ["15m", "1h", "24h", "7d"] as const;
export const StatementWindow = z.enum(STATEMENT_WINDOWS);
export type StatementWindow = z.infer<typeof StatementWindow>;
export const WINDOW_MS: Record<StatementWindow, number> = { "15m": 900_000, "1h": 3_600_000, "24h": 86_400_000, "7d": 604_800_000 };

export const STATEMENT_SORTS = ["total", "mean", "calls", "rows", "read", "temp", "wal"] as const;
export const StatementSort = z.enum(STATEMENT_SORTS);
export type StatementSort = z.infer<typeof StatementSort>;

/** Milliseconds since the epoch, from a URL (a custom window's bounds). */
const EPOCH_MAX = 32_503_680_000_000; // year 3000
const blankToUndefined = (v: unknown) => (v === "" ? undefined : v);

export const StatementsQuery = z
  .object({
    window: StatementWindow.default("1h"),
    /** a custom window: both bounds, epoch ms (they win over `window`) */
    from: optionalIntParam(0, EPOCH_MAX),
    to: optionalIntParam(0, EPOCH_MAX),
    db: z.preprocess(blankToUndefined, DatabaseName.optional()),
    user: z.preprocess(blankToUndefined, text(63, 1).optional()),
    sort: StatementSort.default("total"),
    limit: intParam(1, 500, 100),
  })
  .refine((q) => (q.from === undefined) === (q.to === undefined), { message: "give both from and to, or neither", path: ["from"] })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: "from must be before to", path: ["from"] });
export type StatementsQuery = z.infer<typeof StatementsQuery>;

export const StatementRow = z.object({
  queryid: z.string(),
  datname: z.string(),
  username: z.string(),
  /** false: run inside a function (pg_stat_statements.track = all) */
  toplevel: z.boolean(),
  /** normalized, redacted, and as the caller's role may see it; null when never captured */
  query: z.string().nullable(),
  calls: z.number(),
  totalMs: z.number(),
  meanMs: z.number().nullable(),
  planMs: z.number().nullable(),
  rows: z.number(),
  sharedBlksHit: z.number(),
  sharedBlksRead: z.number(),
  tempBlks: z.number(),
  walBytes: z.number().nullable(),
  /** share of the window's total execution time, 0..1 */
  share: z.number(),
});
export type StatementRow = z.infer<typeof StatementRow>;

/** Why there are no statement statistics, with the steps that would give them. */
export const StatementsMissing = z.object({
  reason: z.enum(["not_available", "not_preloaded", "not_installed", "not_permitted", "no_snapshots"]),
  message: z.string(),
  steps: z.array(z.object({ title: z.string(), sql: z.string().nullable(), done: z.boolean().nullable() })),
});
export type StatementsMissing = z.infer<typeof StatementsMissing>;

export const StatementsResponse = z.object({
  from: z.number(),
  to: z.number(),
  /** snapshots inside the window and the first one the store has (coverage) */
  snapshots: z.number(),
  historyStartsAt: z.number().nullable(),
  /** statements evicted at pg_stat_statements.max in the window (null before PostgreSQL 14) */
  evicted: z.number().nullable(),
  maxEntries: z.number().nullable(),
  /** a pg_stat_statements_reset() or a restart happened in the window (deltas stay correct) */
  resets: z.number(),
  /** entries of other roles the console's role may not see (it lacks pg_read_all_stats) */
  hidden: z.number().nullable(),
  hiddenFix: z.string().nullable(),
  /** statements that ran in the window (the list shows the top `limit`) */
  total: z.number(),
  totalMs: z.number(),
  statements: z.array(StatementRow),
  databases: z.array(z.string()),
  users: z.array(z.string()),
  missing: StatementsMissing.nullable(),
  intervalS: z.number(),
  readAt: z.number(),
});
export type StatementsResponse = z.infer<typeof StatementsResponse>;

export const QueryIdParams = z.object({
  server: ServerId,
  queryid: z.string().regex(/^-?\d{1,20}$/, "not a queryid"),
});

export const StatementHistoryQuery = z.object({
  window: StatementWindow.default("24h"),
  db: z.preprocess(blankToUndefined, DatabaseName.optional()),
  user: z.preprocess(blankToUndefined, text(63, 1).optional()),
});
export type StatementHistoryQuery = z.infer<typeof StatementHistoryQuery>;

export const HistoryPoint = z.object({
  at: z.number(),
  calls: z.number(),
  totalMs: z.number(),
  meanMs: z.number().nullable(),
  rows: z.number(),
});
export type HistoryPoint = z.infer<typeof HistoryPoint>;

export const StatementDetail = z.object({
  queryid: z.string(),
  query: z.string().nullable(),
  /** relations the statement reads, from its parse tree */
  tables: z.array(z.object({ schema: z.string().nullable(), name: z.string() })),
  databases: z.array(z.string()),
  users: z.array(z.string()),
  from: z.number(),
  to: z.number(),
  stepS: z.number(),
  points: z.array(HistoryPoint),
  totals: z.object({ calls: z.number(), totalMs: z.number(), meanMs: z.number().nullable(), rows: z.number() }),
  /** the mean time rose and stayed up: since when, from what to what */
  slowerSince: z.object({ at: z.number(), beforeMs: z.number(), afterMs: z.number() }).nullable(),
  /** parameters ($1 …) in the text: the EXPLAIN form asks for their values before 16 */
  params: z.number(),
  readAt: z.number(),
});
export type StatementDetail = z.infer<typeof StatementDetail>;

export const ExplainRequest = z.object({
  db: DatabaseName,
  analyze: z.boolean().default(false),
  /** values for $1 … (text, cast by PostgreSQL); without them 16+ uses GENERIC_PLAN */
  params: z.array(text(10_000)).max(100).optional(),
});
export type ExplainRequest = z.infer<typeof ExplainRequest>;

export const ExplainResponse = z.object({
  outcome: z.enum(["ok", "refused", "failed"]),
  message: z.string().nullable(),
  mode: z.enum(["generic", "params", "analyze"]),
  /** EXPLAIN (FORMAT JSON)'s document (the plan tree); null unless ok */
  plan: z.unknown().nullable(),
  /** EXPLAIN's text format, for copying */
  text: z.string().nullable(),
  standby: z.object({ lagS: z.number().nullable() }).nullable(),
  statementTimeoutMs: z.number(),
  sqlstate: z.string().nullable(),
});
export type ExplainResponse = z.infer<typeof ExplainResponse>;
