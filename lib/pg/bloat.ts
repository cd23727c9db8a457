import "server-only";
import { DomainError } from "@/lib/errors";
import type { ExactBloat } from "@/lib/schemas/maintenance";
import type { BloatQuery, BloatResponse, BloatRow } from "@/lib/schemas/storage";
import { cacheKey } from "./cache-keys";
import { cached } from "./cache";
import { resolveDatabase } from "./databases";
import { backgroundRead } from "./run";
import { currentSizes } from "./size-snapshot";
import { estimateBtreeBloat, estimateTableBloat, statisticsState } from "./relations/bloat-math";
import { EXACT_TARGET, exactBloatStatement, ExactBloatRefusal, shapeExactBloat, toExactTarget } from "./relations/exact-bloat";
import type { Queryable } from "./types";

// pg_stats is joined by schemaname/tablename TEXT, never through a ::regclass cast: with the cast
// the planner expects a handful of rows and builds a quadratic nested loop (minutes at 10k tables).
const USER_TABLE = /* sql */ `c.relkind IN ('r', 'm') AND c.relpersistence <> 't'
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'`;

const SERVER = /* sql */ `
  SELECT current_setting('block_size')::int AS block_size,
         EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pgstattuple') AS pgstattuple`;

// ONE statement for tables and btree indexes: the pg_stats view (a privilege check per column of
// every relation) is the expensive part, so it is read once into a CTE used by both halves.
// Statistics timestamps come from the pg_stat_get_* functions per row, not pg_stat_user_tables,
// whose idx_scan aggregation over pg_index would be computed again for nothing.
// Index column k (1-based) is table column indkey[k-1] (int2vector subscripts start at 0), or an
// expression when that is 0: expression statistics are kept under the INDEX name in pg_stats.
const BLOAT_INPUTS = /* sql */ `
  WITH st AS (
    SELECT schemaname, tablename, attname, null_frac, avg_width FROM pg_stats WHERE NOT inherited
  ),
  tcols AS (
    SELECT att.attrelid AS oid, count(*) AS columns, count(s.attname) AS columns_with_stats,
           coalesce(bool_or(s.null_frac > 0), false) AS has_nulls,
           coalesce(sum((1 - s.null_frac) * s.avg_width), 0)::float8 AS data_width
      FROM pg_attribute att
      JOIN pg_class c ON c.oid = att.attrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN st s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = att.attname
     WHERE att.attnum > 0 AND NOT att.attisdropped AND ${USER_TABLE}
     GROUP BY att.attrelid
  ),
  icols AS (
    SELECT i.indexrelid AS oid, count(*) AS columns, count(s.attname) AS columns_with_stats,
           coalesce(bool_or(s.null_frac > 0), false) AS has_nulls,
           coalesce(sum((1 - s.null_frac) * s.avg_width), 0)::float8 AS data_width
      FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_class c ON c.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute ia ON ia.attrelid = i.indexrelid AND ia.attnum > 0
      LEFT JOIN pg_attribute ta ON ta.attrelid = i.indrelid AND ta.attnum = i.indkey[ia.attnum - 1] AND ta.attnum > 0
      LEFT JOIN st s ON s.schemaname = n.nspname
                    AND s.tablename = CASE WHEN ta.attname IS NULL THEN ic.relname ELSE c.relname END
                    AND s.attname = coalesce(ta.attname, ia.attname)
     WHERE ic.relam = (SELECT oid FROM pg_am WHERE amname = 'btree') AND i.indisvalid AND ${USER_TABLE}
     GROUP BY i.indexrelid
  )
  SELECT 'table' AS kind, c.oid, n.nspname AS schema, c.relname AS table, c.relname AS name,
         c.reltuples::float8 AS reltuples, c.relpages::int8 AS relpages,
         coalesce(tc.relpages, 0)::int8 AS toast_pages, coalesce(tc.reltuples, 0)::float8 AS toast_tuples,
         coalesce(substring(array_to_string(c.reloptions, ' ') FROM 'fillfactor=([0-9]+)')::int, 100) AS fillfactor,
         coalesce(x.columns, 0) AS columns, coalesce(x.columns_with_stats, 0) AS columns_with_stats,
         coalesce(x.has_nulls, false) AS has_nulls, coalesce(x.data_width, 0) AS data_width,
         greatest(pg_stat_get_last_analyze_time(c.oid), pg_stat_get_last_autoanalyze_time(c.oid)) AS last_analyzed,
         pg_stat_get_mod_since_analyze(c.oid) AS mod_since_analyze, c.reltuples::float8 AS table_reltuples,
         has_table_privilege(c.oid, 'SELECT') AS readable
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_class tc ON tc.oid = c.reltoastrelid
    LEFT JOIN tcols x ON x.oid = c.oid
   WHERE ${USER_TABLE}
  UNION ALL
  SELECT 'index', ic.oid, n.nspname, c.relname, ic.relname,
         ic.reltuples::float8, ic.relpages::int8, 0, 0,
         coalesce(substring(array_to_string(ic.reloptions, ' ') FROM 'fillfactor=([0-9]+)')::int, 90),
         x.columns, x.columns_with_stats, x.has_nulls, x.data_width,
         greatest(pg_stat_get_last_analyze_time(c.oid), pg_stat_get_last_autoanalyze_time(c.oid)),
         pg_stat_get_mod_since_analyze(c.oid), c.reltuples::float8,
         has_table_privilege(c.oid, 'SELECT')
    FROM icols x
    JOIN pg_class ic ON ic.oid = x.oid
    JOIN pg_index i ON i.indexrelid = ic.oid
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace`;

// Every supported server is 64-bit; MAXALIGN 8 (the ioguix queries guess it from version()).
const MAX_ALIGN = 8;

export interface BloatEstimates {
  tables: BloatRow[];
  indexes: BloatRow[];
  pgstattupleAvailable: boolean;
  computedAt: number;
}

/** Estimated bloat of every table and btree index of the database, from statistics only. */
export async function bloatEstimates(db: Queryable): Promise<BloatEstimates> {
  const server = (await db.query(SERVER)).rows[0];
  const blockSize: number = server.block_size;
  const { rows } = await db.query(BLOAT_INPUTS);
  const stats = (r: { table_reltuples: number; columns: number; columns_with_stats: number; last_analyzed: Date | null; mod_since_analyze: number | null; readable: boolean }) =>
    statisticsState({
      readable: r.readable,
      reltuples: r.table_reltuples,
      columns: r.columns,
      columnsWithStats: r.columns_with_stats,
      lastAnalyzed: r.last_analyzed,
      modSinceAnalyze: r.mod_since_analyze,
    });
  const tables: BloatRow[] = [];
  const indexes: BloatRow[] = [];
  for (const r of rows) {
    const common = {
      oid: r.oid,
      schema: r.schema,
      table: r.table,
      name: r.name,
      fillfactor: r.fillfactor,
      statistics: stats(r),
      lastAnalyzed: r.last_analyzed?.toISOString() ?? null,
      sizeBytes: null, // from the size snapshot when a page is cut (bloatPage)
    };
    const shape = { reltuples: r.reltuples, relpages: r.relpages, fillfactor: r.fillfactor, blockSize, maxAlign: MAX_ALIGN, dataWidth: r.data_width, hasNulls: r.has_nulls };
    if (r.kind === "table") {
      tables.push({ kind: "table", ...common, ...estimateTableBloat({ ...shape, toastPages: r.toast_pages, toastTuples: r.toast_tuples, columns: r.columns }) });
    } else {
      indexes.push({ kind: "index", ...common, ...estimateBtreeBloat(shape) });
    }
  }
  // Rows whose widths are unknown (statistics hidden or missing) cannot be ranked: they go last.
  const rank = (r: BloatRow) => (r.statistics === "ok" || r.statistics === "stale" ? r.bloatBytes : -1);
  const byBloat = (a: BloatRow, b: BloatRow) => rank(b) - rank(a) || a.oid - b.oid;
  return { tables: tables.sort(byBloat), indexes: indexes.sort(byBloat), pgstattupleAvailable: server.pgstattuple, computedAt: Date.now() };
}

// The estimate only moves when VACUUM/ANALYZE updates relpages, reltuples and pg_stats, and it
// costs ≈ 0.8 s at 10,000 tables: its snapshot lives 5 minutes (one viewer's DB time, issue 11;
// cache-keys.ts), and is dropped at once after a finished job on the database (forgetStorageReads).

/** The bloat page: estimates shared by every viewer of the database, paged here. */
export async function bloatPage(server: string, query: BloatQuery): Promise<BloatResponse> {
  const target = await resolveDatabase(server, query.db);
  // Served while the next estimate is computed in the background (about a second at 10k tables).
  const all = await cached(cacheKey(target, "bloat"), () => backgroundRead(target, bloatEstimates));
  const list = (query.kind === "table" ? all.tables : all.indexes).filter((r) => r.bloatBytes >= (query.minBytes ?? 0));
  // One definition of a relation's size across the console: the size snapshot's (issue 10, DBA 3).
  const sizes = await currentSizes(target);
  const measured = (r: BloatRow) => (r.kind === "table" ? sizes.tables.get(r.oid)?.totalBytes : sizes.indexes.get(r.oid)?.sizeBytes) ?? null;
  return {
    estimate: true,
    rows: list.slice(query.offset, query.offset + query.limit).map((r) => ({ ...r, sizeBytes: measured(r) })),
    total: list.length,
    pgstattupleAvailable: all.pgstattupleAvailable,
    computedAt: all.computedAt,
    // the time the estimate was read from PostgreSQL, not the time of this answer
    readAt: all.computedAt,
  };
}

/**
 * Exact figures from pgstattuple on any client. It READS THE WHOLE RELATION (I/O and time grow
 * with its size): the console runs it only as a queued job (kind bloat_exact, lib/jobs), whose
 * runner uses the same statement and shaping (lib/pg/relations/exact-bloat.ts).
 */
export async function exactBloat(db: Queryable, oid: number): Promise<ExactBloat> {
  const found = (await db.query(EXACT_TARGET, [oid])).rows[0];
  if (!found) throw new DomainError("not_found", "relation_not_found", "No relation with that OID in this database.");
  const target = toExactTarget(found);
  let statement: string;
  try {
    statement = exactBloatStatement(target);
  } catch (err) {
    if (err instanceof ExactBloatRefusal) throw new DomainError("conflict", "refused", err.message);
    throw err;
  }
  return shapeExactBloat(target, (await db.query(statement)).rows[0]);
}
