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
  /** when the size figures were computed (the whole database's: every 10 minutes while someone looks) */
  sizesAt: z.number(),
  /**
   * the whole database's sizes are still being measured (a first look): this page's tables were
   * measured alone, in the catalog's order of pages (as of the last VACUUM/ANALYZE)
   */
  sizesPending: z.boolean().optional(),
  readAt: z.number(),
});
export type TablesResponse = z.infer<typeof TablesResponse>;

// ---- indexes ----

/** Findings sent per kind by default (one page, the largest first). 10,000 findings in one answer
 * were 3 MB per 10 s poll, and the biggest unused index was not among the 200 the UI showed. */
export const FINDINGS_PER_KIND = 20;
export const MAX_FINDINGS_PER_KIND = 200;

export const INDEX_SORTS = ["name", "table", "size", "scans", "tuples_read", "tuples_fetched"] as const;
export type IndexSort = (typeof INDEX_SORTS)[number];

export const IndexesQuery = DatabaseQuery.extend({
  sort: z.enum(INDEX_SORTS).default("size"),
  dir: Dir,
  schema: OptText,
  q: OptText,
  ...Paging,
  /** findings: one page of each kind, largest first */
  findingsLimit: intParam(1, MAX_FINDINGS_PER_KIND, FINDINGS_PER_KIND),
  unusedOffset: intParam(0, 1_000_000, 0),
  duplicateOffset: intParam(0, 1_000_000, 0),
  invalidOffset: intParam(0, 1_000_000, 0),
  /** findings smaller than this are only counted (in `totals`) */
  minFindingBytes: OptBytes,
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
  /** pg_stat_user_indexes.last_idx_scan (PostgreSQL 16+; null before, or never scanned) */
  lastUsed: Ts,
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
  /** last_idx_scan (PostgreSQL 16+): null before 16, or never scanned in the statistics window */
  lastUsed: Ts,
  /** why this is a finding, in words */
  reason: z.string(),
  /** for duplicates: the index that covers this one */
  coveredBy: z.object({ oid: z.number(), name: z.string(), definition: z.string() }).optional(),
  /** statements to copy; the console never runs these by itself */
  fixSql: z.array(z.string()),
});
export type IndexFinding = z.infer<typeof IndexFinding>;


const PerKind = z.object({ unused: z.number(), duplicate: z.number(), invalid: z.number() });

export const IndexFindings = z.object({
  /** one page of each kind (findingsLimit from the kind's offset), largest first */
  findings: z.array(IndexFinding),
  /** findings per kind at or above minFindingBytes (what the pages page through) */
  counts: PerKind,
  /** findings per kind whatever their size */
  totals: PerKind,
  /** the offset each kind's page starts at (corrected when the one asked for was past the end) */
  offsets: PerKind,
  /** last_idx_scan is known (PostgreSQL 16+) */
  lastUsedAvailable: z.boolean(),
  /** set when the statistics window is too short to call an index unused */
  windowWarning: z.string().nullable(),
  /** start of the statistics window used for "unused" (ISO) */
  statsSince: z.string().nullable(),
  statsSinceSource: z.enum(["stats_reset", "server_start"]),
  note: z.string(),
});
export type IndexFindings = z.infer<typeof IndexFindings>;

export const IndexesResponse = z.object({
  rows: z.array(IndexRow),
  total: z.number(),
  /** absent only in the page's server render while they are still computed (the first poll brings them) */
  findings: IndexFindings.optional(),
  sizesAt: z.number(),
  /** as for Tables: a first look, this page's indexes measured alone, in the catalog's order of pages */
  sizesPending: z.boolean().optional(),
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
  /** pages the estimate is based on (relpages × block size as of the last VACUUM/ANALYZE; heap + TOAST for a table) */
  actualBytes: z.number(),
  /**
   * The size the Tables and Indexes pages show for the same relation, from the same size snapshot:
   * a table's total (pg_total_relation_size: heap, TOAST, indexes, all forks), an index's own size.
   * null: the relation is not in the snapshot yet.
   */
  sizeBytes: z.number().nullable(),
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
  /** pg_wal on the server: null figures (with `note`, the GRANT) when the role may not list it */
  wal: z.object({ bytes: z.number().nullable(), files: z.number().nullable(), note: z.string().nullable() }),
  databases: z.array(z.object({ name: z.string(), sizeBytes: z.number().nullable() })),
  topTables: z.array(z.object({ oid: z.number(), schema: z.string(), name: z.string(), ...Sizes, ...SizeOrigin })),
  schemas: z.array(z.object({ schema: z.string(), tables: z.number(), ...Sizes })),
  sizesAt: z.number(),
  readAt: z.number(),
});
export type SpaceResponse = z.infer<typeof SpaceResponse>;
