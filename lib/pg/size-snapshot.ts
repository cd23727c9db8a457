import "server-only";
import { cacheKey, LIFETIMES } from "./cache-keys";
import { cached, cachedIfReady } from "./cache";
import { exclusiveLocks, type RelationLock } from "./locks";
import type { Target } from "./pools";
import { backgroundRead, coalescedRead, read } from "./run";
import { applySizes, emptySnapshot, fingerprint, forgetRelations, type SizeRow, type SizeSnapshot } from "./relations/size-model";
import type { Queryable } from "./types";
import { processWide } from "@/lib/process-wide";

export type { IndexSnapshotEntry, SizeSnapshot, TableSizes } from "./relations/size-model";

// Sizes cost a stat() per relation file (≈ 350 ms at 10,000 tables / 20,000 indexes,
// ARCHITECTURE §3), so they are computed ONCE per interval for every relation of a database and
// reused by the tables, indexes and space views, which then only sort and page. Index definitions
// (a catalog deparse each, ≈ 400 ms for all) are read lazily, a page at a time (indexDefinitions). Relations created since, or touched by a finished
// job, are measured on first sight (sizeNewcomers), so nothing is shown as 0 B until the next snapshot.
//
// Lock-aware: pg_relation_size and pg_get_indexdef take ACCESS SHARE, which waits behind a
// granted or queued ACCESS EXCLUSIVE (lib/pg/relation-locks.ts). Such relations are sized from relpages ×
// block_size (as of their last VACUUM/ANALYZE) and carry the lock, so one ALTER TABLE never
// takes the whole database's storage pages down. A lock taken between the check and the sizing
// fails the statement on lock_timeout: it is then run again with the new lock known.

// Sizes per relation FILE SET for every table, TOAST table and index: the same figures
// as pg_total_relation_size once summed per table (lib/pg/relations/size-model.ts, which also finds
// each TOAST table's owner), but each file is stat()ed once. pg_table_size is every fork of a
// relation in one call (one open instead of four) and adds the TOAST table, so only tables that
// have one are summed fork by fork (their TOAST is its own row). The init fork exists only for
// unlogged relations. $1: locked OIDs (sized from relpages, never opened); $2: NULL for every
// relation, or tables/indexes to measure (a table brings its TOAST table and indexes).
const RELATION_SIZES = /* sql */ `
  WITH only_rel AS (
    SELECT x FROM unnest($2::oid[]) AS x
    UNION SELECT reltoastrelid FROM pg_class WHERE oid = ANY($2::oid[]) AND reltoastrelid <> 0
    UNION SELECT indexrelid FROM pg_index
           WHERE indrelid = ANY($2::oid[])
              OR indrelid IN (SELECT reltoastrelid FROM pg_class WHERE oid = ANY($2::oid[]) AND reltoastrelid <> 0)
  ), locked AS (SELECT unnest($1::oid[]) AS oid)
  SELECT c.oid, c.relkind, n.nspname AS schema, c.relname AS name, c.reltoastrelid AS toast_oid,
         i.indrelid AS index_of, l.oid IS NOT NULL AS estimated,
         CASE WHEN l.oid IS NOT NULL THEN c.relpages::int8 * current_setting('block_size')::int8
              WHEN c.relkind IN ('i', 't') OR c.reltoastrelid = 0 THEN coalesce(pg_table_size(c.oid), 0)
              ELSE coalesce(pg_relation_size(c.oid, 'main') + pg_relation_size(c.oid, 'fsm') + pg_relation_size(c.oid, 'vm')
                            + CASE WHEN c.relpersistence = 'u' THEN pg_relation_size(c.oid, 'init') ELSE 0 END, 0) END AS bytes
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index i ON i.indexrelid = c.oid
    LEFT JOIN locked l ON l.oid = c.oid
   WHERE c.relkind IN ('r', 'm', 'p', 't', 'i') AND c.relpersistence <> 't'
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_temp_'
     AND ($2::oid[] IS NULL OR c.oid IN (SELECT x FROM only_rel))`;

// pg_get_indexdef opens the index's TABLE: skipped (NULL) while the index or its table is locked.
const INDEX_DEFINITIONS = /* sql */ `
  SELECT i.indexrelid AS oid,
         CASE WHEN i.indexrelid = ANY($1::oid[]) OR i.indrelid = ANY($1::oid[]) THEN NULL
              ELSE pg_get_indexdef(i.indexrelid) END AS definition
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'm', 'p') AND c.relpersistence <> 't'
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
     AND ($2::oid[] IS NULL OR i.indexrelid = ANY($2::oid[]) OR i.indrelid = ANY($2::oid[]))`;

// Tables and indexes of user schemas: what the snapshot must hold (besides TOAST, which comes with
// its table).
const USER_RELATIONS = /* sql */ `
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'm', 'p', 'i') AND c.relpersistence <> 't'
   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_t(emp_|oast)'`;
// Relations created since the snapshot, looked for on every poll: their OIDs are higher than any it
// holds (one cluster-wide counter), so this is a range scan of pg_class's OID index, well under a
// millisecond at 10,000 tables where comparing the whole catalog cost ≈ 40 ms each time.
const NEWER = /* sql */ `SELECT c.oid ${USER_RELATIONS} AND c.oid > $1::oid ORDER BY c.oid LIMIT 1000`;
// The census, rarer (cache-keys.ts "size-census"): what the OID watermark cannot see — a relation
// whose CREATE was still uncommitted while the snapshot was taken, the counter wrapping around,
// drops. The count and OID sum are compared first (≈ 40 ms at 10,000 tables); only when they
// differ are the missing and the gone relations looked for (≈ 10× that, with 30,000 OIDs sent).
const FINGERPRINT = /* sql */ `SELECT count(*)::int8 AS n, coalesce(sum(c.oid::int8), 0)::int8 AS s ${USER_RELATIONS}`;
const MISSING_OR_GONE = /* sql */ `
  SELECT c.oid, false AS gone ${USER_RELATIONS} AND c.oid NOT IN (SELECT unnest($1::oid[]))
  UNION ALL
  SELECT h.oid, true FROM unnest($1::oid[]) AS h(oid) WHERE NOT EXISTS (SELECT FROM pg_class c WHERE c.oid = h.oid)`;

const MAX_LOCK_RETRIES = 3;

type PgError = Error & { code?: string };

/**
 * Runs `statement(lockedOids)` so that it never waits for a lock: relations locked now are passed
 * in to be skipped; if one is locked between the check and the statement (lock_timeout, 55P03),
 * the locks are read again and the statement rerun from a savepoint.
 */
export async function lockAware<T>(
  db: Queryable,
  locks: Map<number, RelationLock>,
  statement: (locked: number[]) => Promise<T>,
): Promise<T> {
  // Outside a transaction (a plain client in tests, autocommit) a failed statement aborts nothing.
  const inTransaction = await db.query("SAVEPOINT pgwarden_lock_aware").then(
    () => true,
    (err: PgError) => (err.code === "25P01" ? false : Promise.reject(err)),
  );
  for (let attempt = 0; ; attempt++) {
    try {
      const out = await statement([...locks.keys()]);
      if (inTransaction) await db.query("RELEASE SAVEPOINT pgwarden_lock_aware");
      return out;
    } catch (err) {
      if ((err as PgError).code !== "55P03" || attempt >= MAX_LOCK_RETRIES) throw err;
      if (inTransaction) await db.query("ROLLBACK TO SAVEPOINT pgwarden_lock_aware");
      for (const [oid, l] of await exclusiveLocks(db)) locks.set(oid, l);
    }
  }
}

/**
 * Sizes of every relation, or of `only` (tables with their TOAST and indexes, or single indexes).
 * `locks` is what is known to be locked already (read when omitted). Index definitions are not
 * read here: only the Indexes page shows them, for one page at a time (indexDefinitions).
 */
export async function measureRelations(
  db: Queryable,
  opts: { only?: number[]; locks?: Map<number, RelationLock> } = {},
): Promise<{ rows: SizeRow[]; locks: Map<number, RelationLock> }> {
  const locks = opts.locks ?? (await exclusiveLocks(db));
  const only = opts.only ?? null;
  const rows: SizeRow[] = await lockAware(db, locks, async (locked) => (await db.query(RELATION_SIZES, [locked, only])).rows);
  return { rows, locks };
}

/**
 * Fills in the definitions of `oids` (indexes of the snapshot) not read yet: a page of the Indexes
 * page and the findings it shows, not all 20,000 (≈ 400 ms of deparsing on every snapshot). Kept
 * in the snapshot, so each is deparsed once per snapshot; a locked one stays unknown (""), with
 * its table's lock, and is asked again next time.
 */
export async function indexDefinitions(db: Queryable, snap: SizeSnapshot, oids: number[]): Promise<void> {
  const missing = [...new Set(oids)].filter((oid) => snap.indexes.get(oid)?.definition === "");
  if (missing.length === 0) return;
  const locks = await exclusiveLocks(db);
  const defs: { oid: number; definition: string | null }[] = await lockAware(db, locks, async (locked) => (await db.query(INDEX_DEFINITIONS, [locked, missing])).rows);
  for (const { oid, definition } of defs) {
    const entry = snap.indexes.get(oid);
    if (!entry) continue;
    entry.definition = definition ?? "";
    entry.definitionKnown = definition !== null;
    if (definition === null && !entry.lock) entry.lock = locks.get(oid) ?? locks.get(entry.tableOid) ?? null;
  }
}

/** Every relation of the database, measured once (sizes and locks). */
export async function sizeSnapshot(db: Queryable): Promise<SizeSnapshot> {
  const startedAt = Date.now();
  const { rows: info } = await db.query(/* sql */ `SELECT current_database() AS database`);
  const m = await measureRelations(db);
  const snap = emptySnapshot(info[0].database, startedAt);
  applySizes(snap, m.rows, new Map(), m.locks);
  snap.takenAt = Date.now();
  return snap;
}

/**
 * Measures what the snapshot lacks: relations created since it was taken, relations a finished
 * job changed (forgotten), and those estimated because of a lock (measured exactly once it is gone).
 * With `census`, also relations the OID watermark misses, and drops relations gone from the catalog
 * (so the Tables total stays the number of tables). Returns how many relations were measured.
 */
export async function sizeNewcomers(db: Queryable, snap: SizeSnapshot, opts: { census?: boolean } = {}): Promise<number> {
  const unseen: number[] = (await db.query(NEWER, [snap.newestOid])).rows.map((r) => r.oid);
  if (opts.census) {
    const held = fingerprint(snap);
    const now = (await db.query(FINGERPRINT)).rows[0];
    if (now.n !== held.n || now.s !== held.s) {
      const found: { oid: number; gone: boolean }[] = (await db.query(MISSING_OR_GONE, [held.oids])).rows;
      const gone = found.filter((r) => r.gone).map((r) => r.oid);
      if (gone.length > 0) forgetRelations(snap, gone, { gone: true });
      unseen.push(...found.filter((r) => !r.gone).map((r) => r.oid));
    }
  }
  const locked = [...snap.lockedParts()];
  const pending = [...snap.pending];
  if (unseen.length === 0 && locked.length === 0 && pending.length === 0) return 0;
  const only = [...new Set([...unseen, ...locked, ...pending])];
  const m = await measureRelations(db, { only });
  applySizes(snap, m.rows, new Map(), m.locks);
  for (const oid of pending) snap.pending.delete(oid);
  // A relation the snapshot does not place (not a user table's) is not looked for again either.
  for (const oid of unseen) if (oid > snap.newestOid) snap.newestOid = oid;
  return only.length;
}

export const SIZE_SNAPSHOT_TTL_MS = LIFETIMES["size-snapshot"].ttlMs;

/** How often the census (sizeNewcomers with `census`) runs while a snapshot is served. */
export const SIZE_CENSUS_MS = LIFETIMES["size-census"].ttlMs!; // a fixed TTL (cache-keys.ts)

/** Served while a newer snapshot is computed in the background (sizes change slowly). */
export const SIZE_SNAPSHOT_MAX_STALE_MS = LIFETIMES["size-snapshot"].maxStaleMs;

// Snapshots are keyed by the cluster (pg_control_system's system identifier) and the database
// name, not by the server entry: two entries for the same cluster (a direct URL and one through
// PgBouncer, say) share one snapshot instead of measuring the same files twice. A physical
// standby has its primary's identifier and the same files, so it shares too. The identity is
// read once per target and kept for ten minutes (one tiny query).
const CLUSTER_IDENTITY = /* sql */ `
  SELECT (SELECT system_identifier::text FROM pg_control_system()) AS system_identifier, current_database() AS database`;
const clusterOfServer = processWide("size-snapshot.clusters", () => new Map<string, string>());

/** "system identifier / database" of a target, the key its size snapshot is kept under. */
export async function clusterScope(target: Target): Promise<{ server: string; database: string }> {
  const id = await cached(cacheKey(target, "cluster-identity"), () =>
    read(target, async (db) => (await db.query(CLUSTER_IDENTITY)).rows[0] as { system_identifier: string; database: string }),
  );
  clusterOfServer.set(target.server, id.system_identifier);
  // A scope of its own ("cluster:<id>"), apart from every server entry's.
  return { server: `cluster:${id.system_identifier}`, database: id.database };
}

const sameCluster = (a: string, b: string) => a === b || (clusterOfServer.has(a) && clusterOfServer.get(a) === clusterOfServer.get(b));

/**
 * The snapshot for (server, database), computed at most once per lifetime (cache-keys.ts: 10
 * minutes) however many viewers ask (single-flight), refreshed in the background rather than on a viewer's request, with its own
 * statement_timeout. A viewer waits for a cold one at most statement_timeout + 1 s (the bound for
 * any request): after that the answer is "still computing" while it finishes in the background.
 */
export async function cachedSizeSnapshot(target: Target): Promise<SizeSnapshot> {
  return cached(cacheKey(await clusterScope(target), "size-snapshot"), () => backgroundRead(target, sizeSnapshot));
}

// Relations a finished job changed, per server and database: applied to every cached snapshot
// measured (started) before the job ended, including one whose computation was in flight then.
interface Forget {
  id: number;
  server: string;
  database: string;
  relids: number[];
  at: number;
}
// Process-wide: the job worker (instrumentation's bundle) forgets, the pages' and routes' bundles read.
const forgotten = processWide("size-snapshot.forgets", () => ({ list: [] as Forget[], seq: 0 }));

/** After a job on `relids` of (server, database): those relations are measured again on next sight. */
export function forgetSizes(server: string, database: string, relids: number[]) {
  const now = Date.now();
  forgotten.list = forgotten.list.filter((f) => now - f.at < SIZE_SNAPSHOT_MAX_STALE_MS + SIZE_SNAPSHOT_TTL_MS);
  forgotten.list.push({ id: ++forgotten.seq, server, database, relids, at: now });
}

function applyForgets(snap: SizeSnapshot, server: string) {
  for (const f of forgotten.list) {
    if (!sameCluster(f.server, server) || f.database !== snap.database || f.at < snap.startedAt || snap.applied.has(f.id)) continue;
    snap.applied.add(f.id);
    forgetRelations(snap, f.relids);
  }
}

/**
 * The cached snapshot with every relation of the database sized now: what the pages read.
 * `newcomers: false`: the caller runs sizeNewcomers itself, in its own read (one transaction less
 * per poll for the Tables page).
 */
export async function currentSizes(target: Target, opts: { newcomers?: boolean } = {}): Promise<SizeSnapshot> {
  return upToDate(target, await cachedSizeSnapshot(target), opts.newcomers ?? true);
}

/**
 * Like currentSizes, but without waiting for a snapshot that is not there yet (the first look at
 * a database: seconds at 10,000 tables): then `firstPage` answers (a page measured alone) and the
 * whole database is measured in the background once it has — on 2 cores the two would compete
 * for the CPU (the first rows came 2-3× later).
 */
export async function sizesOrFirstPage<P>(
  target: Target,
  firstPage: () => Promise<P>,
  opts: { newcomers?: boolean } = {},
): Promise<{ sizes: SizeSnapshot; page?: undefined } | { sizes?: undefined; page: P }> {
  let answered!: () => void;
  const firstPageDone = new Promise<void>((resolve) => (answered = resolve));
  const load = () => firstPageDone.then(() => backgroundRead(target, sizeSnapshot));
  const snap = await cachedIfReady(cacheKey(await clusterScope(target), "size-snapshot"), load);
  if (snap) {
    answered(); // not this caller's load (or none started): nothing waits on it
    return { sizes: await upToDate(target, snap, opts.newcomers ?? true) };
  }
  try {
    return { page: await firstPage() };
  } finally {
    answered();
  }
}

async function upToDate(target: Target, snap: SizeSnapshot, newcomers: boolean): Promise<SizeSnapshot> {
  applyForgets(snap, target.server);
  // The census first (rare, it may drop relations; none while the snapshot is younger than its
  // interval), then the cheap look for newer OIDs (every poll).
  const round = Math.floor((Date.now() - snap.takenAt) / SIZE_CENSUS_MS);
  if (round > 0) await coalescedRead(target, ["size-census", snap.takenAt, round], (db) => sizeNewcomers(db, snap, { census: true }));
  if (newcomers) await coalescedRead(target, ["size-newcomers", snap.takenAt, snap.applied.size], (db) => sizeNewcomers(db, snap));
  return snap;
}
