import "server-only";

// THE key factory of the read cache (lib/pg/cache.ts). Every key starts with its scope
// (server, database) so that an action or a finished job can drop what it changed by prefix, and
// names its area, whose lifetime is set here once: areas never spell a key or a TTL.

declare const brand: unique symbol;
/** A cache key; only cacheKey() makes one. */
export type CacheKey = string & { readonly [brand]: "CacheKey" };
/** A prefix of cache keys; only scopePrefix() makes one. */
export type CachePrefix = string & { readonly [brand]: "CachePrefix" };

/** What a key is about: a server (PostgreSQL or PgBouncer id) and, for per-database reads, a database. */
export interface Scope {
  server: string;
  /** undefined: the database of the server's configured URL (keyed as "") */
  database?: string;
}

/** a poll read: shared within PGWARDEN_READ_TTL_MS (ttlMs null) or a fixed TTL */
interface PollLifetime {
  kind: "poll";
  ttlMs: number | null;
}
/**
 * a snapshot (stale-while-revalidate): fresh for ttlMs, then served up to maxStaleMs old while
 * one refresh runs; a cold caller waits at most statement_timeout + 1 s when `boundedWait`
 */
interface SnapshotLifetime {
  kind: "snapshot";
  ttlMs: number;
  maxStaleMs: number;
  boundedWait: boolean;
}
export type Lifetime = PollLifetime | SnapshotLifetime;

const poll = (ttlMs: number | null = null): PollLifetime => ({ kind: "poll", ttlMs });
const snapshot = (ttlMs: number, maxStaleMs: number, boundedWait = false): SnapshotLifetime => ({ kind: "snapshot", ttlMs, maxStaleMs, boundedWait });

export const LIFETIMES = {
  activity: poll(),
  // every database-scoped request checks ?db= against it; a name not in it is looked for again at once
  databases: poll(30_000),
  "current-database": poll(),
  "server-facts": poll(),
  "backend-locks": poll(),
  tables: poll(),
  // the page is keyed by its filters; a short fixed TTL keeps paging through them cheap
  indexes: poll(1_500),
  // judging all 20,000 indexes of a 10k-table database (≈ 1 s; scan counters move slowly): once a
  // minute, the previous judgement served meanwhile (as a poll read, every Indexes viewer polling
  // at that minute waited the whole second: API p95 0.9 s with 20 viewers)
  "index-findings": snapshot(60_000, 10 * 60_000, true),
  /** relations newer than the size snapshot's OIDs: an index range scan, every poll */
  "size-newcomers": poll(),
  /** the size snapshot compared with the whole catalog (≈ 40 ms at 10k tables): once per round */
  "size-census": poll(2 * 60_000),
  "migration-history": poll(),
  replication: poll(),
  archiving: poll(),
  "pgbouncer-admin": poll(),
  // health checks read a lot of catalog: viewers within a few seconds share one run
  health: poll(10_000),
  /** is pg_stat_statements there and readable (the queries page explains an absence) */
  "statements-probe": poll(),
  /** reads of a running job through its direct connection (progress polls) */
  "job-read": poll(),
  // Sizes change slowly; measuring every relation costs ≈ 0.35 s at 10k tables on an idle machine
  // (ARCHITECTURE §3), seconds on a busy one: once every 10 minutes, and only while someone looks
  // (a request past the lifetime starts the refresh; the old one is served meanwhile, up to an
  // hour). Relations created since are measured on sight (lib/pg/size-snapshot.ts sizeNewcomers);
  // the pages say how old the figures are.
  "size-snapshot": snapshot(10 * 60_000, 60 * 60_000, true),
  // pg_database_size() stat()s every file (120–300 ms per database at 10k tables): Space only
  "database-sizes": snapshot(10 * 60_000, 60 * 60_000),
  // WAL files come and go every checkpoint; a minute is fine
  "wal-size": snapshot(60_000, 10 * 60_000),
  // the estimate moves only with VACUUM/ANALYZE; ≈ 0.8 s at 10k tables (issue 11: DB time per viewer)
  bloat: snapshot(5 * 60_000, 10 * 60_000, true),
  "system-identity": snapshot(60_000, 10 * 60_000),
  /** which cluster (system identifier) and database a target is: size snapshots are kept per cluster */
  "cluster-identity": poll(10 * 60_000),
  "pgbouncer-sizing": snapshot(5 * 60_000, 60 * 60_000),
} satisfies Record<string, Lifetime>;

export type Area = keyof typeof LIFETIMES;

const SEP = "\u0000";
// A part holding the separator (request values cannot, but a filter's JSON might one day) must not
// make two different keys equal.
const enc = (s: string) => s.replaceAll("\\", "\\\\").replaceAll(SEP, "\\0");

/** The key of `area`'s read for `scope`, told apart by `parts` (filters, snapshot ids). */
export function cacheKey(scope: Scope, area: Area, ...parts: (string | number)[]): CacheKey {
  return [scope.server, scope.database ?? "", area, ...parts.map(String)].map(enc).join(SEP) as CacheKey;
}

/** Every key of a server (database undefined) or of one database of it. */
export function scopePrefix(scope: Scope): CachePrefix {
  return (scope.database === undefined ? `${enc(scope.server)}${SEP}` : `${enc(scope.server)}${SEP}${enc(scope.database)}${SEP}`) as CachePrefix;
}

/** Every key of every server (tests; a reloaded registry). */
export const ALL_KEYS = "" as CachePrefix;

/** The area a key was made for (to find its lifetime). */
export function areaOf(key: CacheKey): Area {
  return key.split(SEP)[2] as Area;
}

/** The key for a log line: readable, no NUL bytes. */
export const printable = (key: string) => key.replaceAll(SEP, "/");
