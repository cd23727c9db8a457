import "server-only";
import { exclusiveLocks, type RelationLock } from "./locks";
import { applySizes, emptySnapshot, fingerprint, forgetRelations, type SizeRow, type SizeSnapshot } from "./relations/size-model";
import type { Queryable } from "./types";

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
async function lockAware<T>(
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
