import "server-only";
import type { TableRow, TableSort, TablesQuery, TablesResponse } from "@/lib/schemas/storage";
import { scopePrefix } from "./cache-keys";
import { invalidateReads, invalidateSnapshots } from "./cache";
import { resolveDatabase } from "./databases";
import { lockInfo } from "./locks";
import { coalescedRead } from "./run";
import { measureRelations, sizeNewcomers } from "./size-measure";
import { currentSizes, forgetSizes, sizesOrFirstPage, type SizeSnapshot } from "./size-snapshot";
import { applySizes, emptySnapshot } from "./relations/size-model";
import { pagedFromSnapshot, snapshotPage } from "./relations/table-page";
import type { Queryable } from "./types";

// One reloption, only parsed when the table has any (most have none).
const relopt = (name: string) =>
  `CASE WHEN c.reloptions IS NULL THEN NULL ELSE (SELECT option_value FROM pg_options_to_table(c.reloptions) WHERE option_name = '${name}') END`;

// Effective autovacuum trigger as autovacuum.c computes it: threshold + scale × reltuples, reloptions
// over GUCs; reltuples is -1 (PG 14+) for a never-vacuumed table, which autovacuum treats as 0.
// PG 18 caps it with autovacuum_vacuum_max_threshold (-1 = no cap); current_setting(…, true) is
// NULL on older servers.
const TABLES = /* sql */ `
  WITH sz AS (SELECT * FROM unnest($1::oid[], $2::int8[]) AS s(relid, total_bytes)),
  t AS (
    SELECT s.relid AS oid, s.schemaname AS schema, s.relname AS name,
           s.n_live_tup AS live, s.n_dead_tup AS dead,
           CASE WHEN s.n_live_tup + s.n_dead_tup > 0
                THEN 100.0 * s.n_dead_tup / (s.n_live_tup + s.n_dead_tup) ELSE 0 END::float8 AS dead_pct,
           s.seq_scan, s.idx_scan, s.n_tup_ins, s.n_tup_upd, s.n_tup_del, s.n_tup_hot_upd,
           s.n_mod_since_analyze,
           s.last_vacuum, s.last_autovacuum, s.last_analyze, s.last_autoanalyze,
           s.vacuum_count, s.autovacuum_count, s.analyze_count, s.autoanalyze_count,
           c.reltuples::float8 AS reltuples,
           coalesce(${relopt("autovacuum_enabled")}::bool, true) AS av_enabled,
           coalesce(${relopt("autovacuum_vacuum_threshold")}::float8,
                    current_setting('autovacuum_vacuum_threshold')::float8) AS av_threshold,
           coalesce(${relopt("autovacuum_vacuum_scale_factor")}::float8,
                    current_setting('autovacuum_vacuum_scale_factor')::float8) AS av_scale,
           coalesce(nullif(${relopt("autovacuum_vacuum_max_threshold")}::float8, -1),
                    current_setting('autovacuum_vacuum_max_threshold', true)::float8) AS av_max,
           coalesce(sz.total_bytes, 0) AS total_bytes
      FROM pg_stat_user_tables s
      JOIN pg_class c ON c.oid = s.relid
      LEFT JOIN sz ON sz.relid = s.relid
     WHERE ($3::text IS NULL OR s.schemaname = $3)
       AND ($4::text IS NULL OR strpos(lower(s.relname), lower($4)) > 0)
       AND (%ONLY%)
  ),
  d AS (
    SELECT t.*,
           CASE WHEN av_max >= 0 THEN least(av_threshold + av_scale * greatest(reltuples, 0), av_max)
                ELSE av_threshold + av_scale * greatest(reltuples, 0) END AS av_due
      FROM t
     WHERE total_bytes >= $5 AND dead_pct >= $6
  )
  SELECT d.*%COUNT% FROM d`;

// Every table of the filters, sorted and counted in SQL: for sort keys and filters the snapshot
// does not hold (statistics counters, dead %).
const TABLES_ALL = TABLES.replace("%ONLY%", "true").replace("%COUNT%", ", count(*) OVER () AS total_count");
// The rows of one page, chosen from the snapshot: pg_stat_user_tables is read for those OIDs only
// (3.7 ms vs 119 ms at 10,000 tables, and no window count spilling to temp).
const TABLES_PAGE = TABLES.replace("%ONLY%", "s.relid = ANY($5::oid[])").replace("%COUNT%", "")
  .replace("WHERE total_bytes >= $5 AND dead_pct >= $6", "WHERE true");

// Sort keys map to fixed expressions over the output columns; the key itself is an enum value.
const ORDER: Record<TableSort, string> = {
  name: "schema %, name %",
  total_size: "total_bytes %",
  live: "live %",
  dead: "dead %",
  dead_pct: "dead_pct %",
  seq_scan: "seq_scan %",
  idx_scan: "idx_scan %",
  modifications: "n_mod_since_analyze %",
  last_vacuum: "greatest(last_vacuum, last_autovacuum) %",
  last_analyze: "greatest(last_analyze, last_autoanalyze) %",
  autovacuum_due: "(dead - av_due) %",
};

function orderBy(sort: TableSort, dir: "asc" | "desc"): string {
  const d = dir === "asc" ? "ASC NULLS FIRST" : "DESC NULLS LAST";
  return `ORDER BY ${ORDER[sort].replaceAll("%", d)}, oid`;
}

const iso = (v: Date | null) => (v ? v.toISOString() : null);

export type TablesOptions = Omit<TablesQuery, "db">;

export interface TablesPage {
  rows: TableRow[];
  total: number;
}

/** $1..$6 of the TABLES query: the size snapshot and the filters. */
function filterParams(opts: TablesOptions, sizes: SizeSnapshot) {
  return [sizes.tableOids, sizes.tableTotals, opts.schema ?? null, opts.q ?? null, opts.minSizeBytes ?? 0, opts.minDeadPct ?? 0];
}

/** One page of tables with their activity, autovacuum trigger point and sizes (from the snapshot). */
export async function tables(db: Queryable, opts: TablesOptions, sizes: SizeSnapshot): Promise<TablesPage> {
  let rows: Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  let total: number;
  if (pagedFromSnapshot(opts)) {
    const page = snapshotPage(sizes.tables.values(), opts);
    total = page.total;
    // Sizes come from the snapshot below: the 10,000-element size arrays are not sent for 50 rows.
    const found = (await db.query(TABLES_PAGE, [[], [], null, null, page.oids])).rows;
    const byOid = new Map(found.map((r) => [r.oid, r]));
    // A table dropped since the snapshot is simply missing from its page until the next one.
    rows = page.oids.map((oid) => byOid.get(oid)).filter((r) => r !== undefined);
  } else {
    const sql = `${TABLES_ALL} ${orderBy(opts.sort, opts.dir)} LIMIT $7 OFFSET $8`;
    rows = (await db.query(sql, [...filterParams(opts, sizes), opts.limit, opts.offset])).rows;
    total = rows[0]?.total_count ?? (opts.offset > 0 ? await countOnly(db, opts, sizes) : 0);
  }
  return {
    total,
    rows: rows.map((r) => {
      const s = sizes.tables.get(r.oid);
      return {
        oid: r.oid,
        schema: r.schema,
        name: r.name,
        liveRows: r.live,
        deadRows: r.dead,
        deadPct: r.dead_pct,
        seqScan: r.seq_scan,
        idxScan: r.idx_scan,
        inserted: r.n_tup_ins,
        updated: r.n_tup_upd,
        deleted: r.n_tup_del,
        hotUpdated: r.n_tup_hot_upd,
        modSinceAnalyze: r.n_mod_since_analyze,
        lastVacuum: iso(r.last_vacuum),
        lastAutovacuum: iso(r.last_autovacuum),
        lastAnalyze: iso(r.last_analyze),
        lastAutoanalyze: iso(r.last_autoanalyze),
        vacuumCount: r.vacuum_count,
        autovacuumCount: r.autovacuum_count,
        analyzeCount: r.analyze_count,
        autoanalyzeCount: r.autoanalyze_count,
        reltuples: r.reltuples,
        autovacuumEnabled: r.av_enabled,
        autovacuumDueAt: Math.round(r.av_due),
        autovacuumThreshold: r.av_threshold,
        autovacuumScaleFactor: r.av_scale,
        totalBytes: s?.totalBytes ?? r.total_bytes,
        heapBytes: s?.heapBytes ?? 0,
        indexBytes: s?.indexBytes ?? 0,
        toastBytes: s?.toastBytes ?? 0,
        sizeExact: s?.sizeExact ?? true,
        lock: lockInfo(s?.lock),
      };
    }),
  };
}

// The first look at a database, before its size snapshot exists (seconds at 10,000 tables): one
// page chosen from the catalog — by name, or by the pages it records for the table and its TOAST
// (as of the last VACUUM/ANALYZE) — whose tables alone are then measured. Small rows, so the
// window count stays in memory.
const CATALOG_PAGE = /* sql */ `
  SELECT c.oid, count(*) OVER () AS total_count
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_class t ON t.oid = c.reltoastrelid AND t.relkind = 't' -- hashes 10,000 rows, not all of pg_class
   WHERE c.relkind IN ('r', 'm', 'p') AND c.relpersistence <> 't'
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_t(emp_|oast)'
     AND ($1::text IS NULL OR n.nspname = $1)
     AND ($2::text IS NULL OR strpos(lower(c.relname), lower($2)) > 0)
   ORDER BY %ORDER%, c.oid
   LIMIT $3 OFFSET $4`;
const CATALOG_ORDER = { name: "n.nspname %, c.relname %", total_size: "c.relpages::int8 + coalesce(t.relpages, 0) %" };

/** A page measured alone, while the whole database's snapshot is computed (sizesPending). */
async function provisionalTables(db: Queryable, opts: TablesOptions): Promise<TablesPage> {
  const d = opts.dir === "asc" ? "ASC" : "DESC";
  let oids: number[];
  let total: number | undefined;
  if (pagedFromSnapshot(opts)) {
    const order = CATALOG_ORDER[opts.sort as keyof typeof CATALOG_ORDER].replaceAll("%", d);
    const { rows } = await db.query(CATALOG_PAGE.replace("%ORDER%", order), [opts.schema ?? null, opts.q ?? null, opts.limit, opts.offset]);
    oids = rows.map((r) => r.oid);
    total = rows[0]?.total_count ?? 0;
  } else {
    // Sorted by a statistics counter: the SQL chooses the page (sizes unknown, no size filter here).
    oids = (await tables(db, opts, emptySnapshot("", Date.now()))).rows.map((r) => r.oid);
  }
  const snap = emptySnapshot("", Date.now());
  if (oids.length > 0) {
    const m = await measureRelations(db, { only: oids });
    applySizes(snap, m.rows, new Map(), m.locks);
  }
  // From the page's own snapshot: the order within it is by the sizes just measured.
  const page = await tables(db, pagedFromSnapshot(opts) ? { ...opts, offset: 0 } : opts, snap);
  return { rows: page.rows, total: total ?? page.total };
}

// A page past the end returns no row to carry the window count; ask for the count alone.
async function countOnly(db: Queryable, opts: TablesOptions, sizes: SizeSnapshot): Promise<number> {
  const { rows } = await db.query(`SELECT count(*) AS n FROM (${TABLES_ALL}) x`, filterParams(opts, sizes));
  return rows[0]?.n ?? 0;
}

export async function autovacuumServerEnabled(db: Queryable): Promise<boolean> {
  const { rows } = await db.query(/* sql */ `SELECT current_setting('autovacuum') = 'on' AS on`);
  return rows[0]?.on ?? true;
}

/**
 * The tables page of one database of a server. `provisional` (the route and the page's server
 * render): never wait for the whole database's sizes — before the first snapshot, the page is
 * measured alone (sizesPending) while the snapshot is computed once in the background. Without it
 * (Space-like callers, tests) the cold snapshot is waited for, up to statement_timeout + 1 s.
 */
export async function tablesPage(server: string, query: TablesQuery, mode: { provisional?: boolean } = {}): Promise<TablesResponse> {
  const { db: dbName, ...opts } = query;
  const target = await resolveDatabase(server, dbName);
  const provisional = () =>
    coalescedRead(target, ["tables", "provisional", JSON.stringify(opts)], async (db) => ({
      ...(await provisionalTables(db, opts)),
      autovacuumServerEnabled: await autovacuumServerEnabled(db),
      sizesAt: Date.now(),
      sizesPending: true,
      readAt: Date.now(),
    }));
  // Relations created since the snapshot are looked for in the page's own read (below).
  const first = mode.provisional && !opts.minSizeBytes ? await sizesOrFirstPage(target, provisional, { newcomers: false }) : { sizes: await currentSizes(target, { newcomers: false }) };
  if (!first.sizes) return first.page;
  const sizes = first.sizes;
  return coalescedRead(target, ["tables", sizes.takenAt, sizes.applied.size, JSON.stringify(opts)], async (db) => {
    // A table created since the last look (an index range scan on pg_class): measured first.
    await sizeNewcomers(db, sizes);
    const page = await tables(db, opts, sizes);
    return {
      ...page,
      autovacuumServerEnabled: await autovacuumServerEnabled(db),
      sizesAt: sizes.takenAt,
      readAt: Date.now(),
    };
  });
}

/**
 * After a job on `relids` of (server, database): the next tables/indexes read shows the new last
 * vacuum/analyze, the bloat estimate and index findings of that database are computed again, and
 * only those relations are measured again (VACUUM FULL and REINDEX change their sizes); the other
 * relations' sizes stay as measured. Poll reads of every database of the server are dropped, and the default
 * database's snapshots too: it is keyed without a name and may be this one.
 */
export function forgetStorageReads(server: string, database: string, relids: number[]) {
  invalidateReads(scopePrefix({ server }));
  for (const db of [database, ""]) invalidateSnapshots(scopePrefix({ server, database: db }), ["bloat", "index-findings"]);
  forgetSizes(server, database, relids);
}
