import { z } from "./zod";
import { MAX_COUNT, OID_MAX, intParam, optionalIntParam, optionalNumberParam, optionalText } from "./common";
import { DatabaseQuery } from "./servers";

// Storage health: tables, indexes, bloat, space. Shared by route handlers and the browser.

const Paging = {
  limit: intParam(1, 500, 50),
  offset: intParam(0, 1_000_000, 0),
};
const Dir = z.enum(["asc", "desc"]).default("desc");
/** Empty strings from a cleared filter input mean "no filter". */
const OptText = optionalText(200);
/** a size in bytes: a whole number up to 2^53 */
const OptBytes = optionalIntParam(0, MAX_COUNT);
const Ts = z.string().nullable(); // ISO timestamps

/**
 * A lock that keeps a read of the relation waiting: a granted or queued ACCESS EXCLUSIVE. Its
 * size is then an estimate from relpages × block size (as of the last VACUUM/ANALYZE).
 */
export const RelationLockInfo = z.object({
  /** null: held by a prepared transaction */
  pid: z.number().nullable(),
  /** false: the lock is queued (it waits for others, and new readers wait behind it) */
  granted: z.boolean(),
  /** the locking session's statement, shortened; null when hidden from the console's role */
  query: z.string().nullable(),
  /** "estimate — locked by pid N (query…)", ready to show */
  note: z.string(),
});
export type RelationLockInfo = z.infer<typeof RelationLockInfo>;

/** Every size figure says whether it was measured or estimated because of a lock. */
const SizeOrigin = {
  /** false: (part of) the figure is an estimate because of `lock` */
  sizeExact: z.boolean(),
  lock: RelationLockInfo.nullable(),
};

// ---- tables ----

export const TABLE_SORTS = [
  "name",
  "total_size",
  "live",
  "dead",
  "dead_pct",
  "seq_scan",
  "idx_scan",
  "modifications",
  "last_vacuum",
  "last_analyze",
  "autovacuum_due",
] as const;
export type TableSort = (typeof TABLE_SORTS)[number];

export const TablesQuery = DatabaseQuery.extend({
  sort: z.enum(TABLE_SORTS).default("total_size"),
  dir: Dir,
  schema: OptText,
  q: OptText,
  minSizeBytes: OptBytes,
  minDeadPct: optionalNumberParam(0, 100),
  ...Paging,
});
export type TablesQuery = z.infer<typeof TablesQuery>;

export const TableRow = z.object({
  oid: z.number(),
  schema: z.string(),
  name: z.string(),
  liveRows: z.number(),
  deadRows: z.number(),
  deadPct: z.number(),
  seqScan: z.number().nullable(),
  idxScan: z.number().nullable(),
  inserted: z.number(),
  updated: z.number(),
  deleted: z.number(),
  hotUpdated: z.number(),
  modSinceAnalyze: z.number(),
  lastVacuum: Ts,
  lastAutovacuum: Ts,
  lastAnalyze: Ts,
  lastAutoanalyze: Ts,
  vacuumCount: z.number(),
  autovacuumCount: z.number(),
  analyzeCount: z.number(),
  autoanalyzeCount: z.number(),
  reltuples: z.number(),
  autovacuumEnabled: z.boolean(),
  /** threshold + scale × reltuples from the table's reloptions over the server settings */
  autovacuumDueAt: z.number(),
  autovacuumThreshold: z.number(),
  autovacuumScaleFactor: z.number(),
  totalBytes: z.number(),
  heapBytes: z.number(),
  indexBytes: z.number(),
  toastBytes: z.number(),
  ...SizeOrigin,
});
export type TableRow = z.infer<typeof TableRow>;

export const TablesResponse = z.object({
  rows: z.array(TableRow),
  total: z.number(),
  /** autovacuum = off on the server: no table is vacuumed automatically */
  autovacuumServerEnabled: z.boolean(),
  /** when the size figures were computed (they are cached for about a minute) */
  sizesAt: z.number(),
  readAt: z.number(),
});
export type TablesResponse = z.infer<typeof TablesResponse>;

// ---- indexes ----

export const INDEX_SORTS = ["name", "table", "size", "scans", "tuples_read", "tuples_fetched"] as const;
export type IndexSort = (typeof INDEX_SORTS)[number];

export const IndexesQuery = DatabaseQuery.extend({
  sort: z.enum(INDEX_SORTS).default("size"),
  dir: Dir,
  schema: OptText,
  q: OptText,
  ...Paging,
});
export type IndexesQuery = z.infer<typeof IndexesQuery>;

export const IndexRow = z.object({
  oid: z.number(),
  schema: z.string(),
  table: z.string(),
  tableOid: z.number(),
  name: z.string(),
  scans: z.number(),
  tuplesRead: z.number(),
  tuplesFetched: z.number(),
  sizeBytes: z.number(),
  unique: z.boolean(),
  primary: z.boolean(),
  valid: z.boolean(),
  /** "" while the index or its table is locked (see lock) */
  definition: z.string(),
  /** the index's own lock (size estimated), or its table's (definition unavailable) */
  ...SizeOrigin,
});
export type IndexRow = z.infer<typeof IndexRow>;

export const IndexFinding = z.object({
  kind: z.enum(["unused", "duplicate", "invalid"]),
  oid: z.number(),
  schema: z.string(),
  table: z.string(),
  name: z.string(),
  sizeBytes: z.number(),
  definition: z.string(),
  /** why this is a finding, in words */
  reason: z.string(),
  /** for duplicates: the index that covers this one */
  coveredBy: z.object({ oid: z.number(), name: z.string(), definition: z.string() }).optional(),
  /** statements to copy; the console never runs these by itself */
  fixSql: z.array(z.string()),
});
export type IndexFinding = z.infer<typeof IndexFinding>;

/** Findings sent per kind: the largest first. A database with 20,000 unused indexes made a 7 MB
 * response whose validation and serialization held the event loop for half a second per viewer. */
export const FINDINGS_PER_KIND = 200;

export const IndexFindings = z.object({
  /** at most FINDINGS_PER_KIND of each kind, largest first; `counts` has the totals */
  findings: z.array(IndexFinding),
  counts: z.object({ unused: z.number(), duplicate: z.number(), invalid: z.number() }),
  /** start of the statistics window used for "unused" (ISO) */
  statsSince: z.string().nullable(),
  statsSinceSource: z.enum(["stats_reset", "server_start"]),
  note: z.string(),
});
export type IndexFindings = z.infer<typeof IndexFindings>;

export const IndexesResponse = z.object({
  rows: z.array(IndexRow),
  total: z.number(),
  findings: IndexFindings,
  sizesAt: z.number(),
  readAt: z.number(),
});
export type IndexesResponse = z.infer<typeof IndexesResponse>;

// ---- bloat ----

export const BloatQuery = DatabaseQuery.extend({
  kind: z.enum(["table", "index"]).default("table"),
  minBytes: OptBytes,
  ...Paging,
});
export type BloatQuery = z.infer<typeof BloatQuery>;

export const BloatRow = z.object({
  kind: z.enum(["table", "index"]),
  oid: z.number(),
  schema: z.string(),
  table: z.string(),
  /** index name for index rows, table name for table rows */
  name: z.string(),
  actualBytes: z.number(),
  expectedBytes: z.number(),
  bloatBytes: z.number(),
  bloatPct: z.number(),
  fillfactor: z.number(),
  /**
   * "missing": no statistics (never analyzed / no pg_stats rows); "stale": many changes since ANALYZE;
   * "hidden": the console's role may not SELECT the table, so pg_stats hides its widths
   */
  statistics: z.enum(["ok", "missing", "stale", "hidden"]),
  lastAnalyzed: Ts,
});
export type BloatRow = z.infer<typeof BloatRow>;

export const BloatResponse = z.object({
  estimate: z.literal(true),
  rows: z.array(BloatRow),
  total: z.number(),
  pgstattupleAvailable: z.boolean(),
  computedAt: z.number(),
  readAt: z.number(),
});
export type BloatResponse = z.infer<typeof BloatResponse>;

/** The relations of a page of the bloat panel: `oids=1,2,3` (up to 100). */
export const ExactBloatQuery = DatabaseQuery.extend({
  oids: z
    .string()
    .regex(/^\d{1,10}(,\d{1,10}){0,99}$/, "a comma-separated list of up to 100 OIDs")
    .transform((v) => [...new Set(v.split(",").map(Number))])
    .pipe(z.array(z.number().int().min(1).max(OID_MAX))),
});
export type ExactBloatQuery = z.infer<typeof ExactBloatQuery>;

// ---- space ----

export const SpaceQuery = DatabaseQuery.extend({ top: intParam(1, 200, 20) });
export type SpaceQuery = z.infer<typeof SpaceQuery>;

const Sizes = { totalBytes: z.number(), heapBytes: z.number(), indexBytes: z.number(), toastBytes: z.number() };

export const SpaceResponse = z.object({
  databases: z.array(z.object({ name: z.string(), sizeBytes: z.number().nullable() })),
  topTables: z.array(z.object({ oid: z.number(), schema: z.string(), name: z.string(), ...Sizes, ...SizeOrigin })),
  schemas: z.array(z.object({ schema: z.string(), tables: z.number(), ...Sizes })),
  sizesAt: z.number(),
  readAt: z.number(),
});
export type SpaceResponse = z.infer<typeof SpaceResponse>;
