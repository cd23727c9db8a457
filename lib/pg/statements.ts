import "server-only";
import type { Counters } from "@/lib/monitoring/statement-deltas";
import { DbError } from "./errors";
import { read } from "./run";
import type { Queryable } from "./types";
import { processWide } from "@/lib/process-wide";

// The statements collector's read of pg_stat_statements (issue 13). Cheap by construction: the
// counters come from pg_stat_statements(false) — without the query texts, which live in a file
// that PostgreSQL reads whole for every call that shows them — and texts are fetched only for
// queryids the console has not stored yet. Column names differ by the extension's version (not
// the server's: an upgraded server may keep an old extension version), so the SQL is built from
// the view's actual columns: total_time (≤ 1.7) vs total_exec_time/total_plan_time (1.8, PG 13),
// toplevel (1.9, PG 14), blk_read_time vs shared_blk_read_time (1.11, PG 17), wal_bytes (1.8).

/** One statement's counters as read: the shape the delta computation takes (one definition). */
export type StatementCounters = Counters;

export interface StatementSnapshot {
  /** statements with a queryid the console's role may see */
  rows: StatementCounters[];
  /** entries without a queryid: other roles' statements, hidden without pg_read_all_stats */
  hidden: number;
  /** pg_stat_statements_info (14+): entries evicted at pg_stat_statements.max since its reset */
  dealloc: number | null;
  statsReset: string | null;
  maxEntries: number | null;
  postmasterStart: string;
}

/** Why there is no snapshot: what the missing-extension panel explains. */
export type StatementsUnavailable = { unavailable: "not_installed" | "not_preloaded" | "not_permitted"; message: string };

const COLUMNS = /* sql */ `
  SELECT a.attname FROM pg_attribute a
   WHERE a.attrelid = to_regclass('pg_stat_statements') AND a.attnum > 0 AND NOT a.attisdropped`;

const INFO = /* sql */ `
  SELECT to_regclass('pg_stat_statements') IS NOT NULL AS installed,
         to_regclass('pg_stat_statements_info') IS NOT NULL AS has_info,
         current_setting('pg_stat_statements.max', true)::int AS max_entries,
         pg_postmaster_start_time() AS postmaster_start`;

const INFO_14 = /* sql */ `SELECT dealloc::float8 AS dealloc, stats_reset FROM pg_stat_statements_info`;

const TEXTS = /* sql */ `
  SELECT DISTINCT ON (queryid) queryid::text AS queryid, query
    FROM pg_stat_statements WHERE queryid = ANY($1::bigint[])`;

const columnCache = processWide("statements.columns", () => new Map<string, Set<string>>()); // one per process (lib/process-wide.ts)

function snapshotSql(cols: Set<string>): string {
  const has = (c: string) => cols.has(c);
  const exec = has("total_exec_time") ? "s.total_exec_time" : "s.total_time";
  const plan = has("total_plan_time") ? "s.total_plan_time::float8" : "NULL::float8";
  const readTime = has("shared_blk_read_time") ? "s.shared_blk_read_time" : has("blk_read_time") ? "s.blk_read_time" : "NULL";
  return /* sql */ `
  SELECT s.queryid::text AS queryid, coalesce(d.datname, s.dbid::text) AS datname,
         coalesce(r.rolname, s.userid::text) AS username, ${has("toplevel") ? "s.toplevel" : "true"} AS toplevel,
         s.calls::float8 AS calls, ${exec}::float8 AS exec_ms, ${plan} AS plan_ms, s.rows::float8 AS rows,
         s.shared_blks_hit::float8 AS shared_blks_hit, s.shared_blks_read::float8 AS shared_blks_read,
         (s.temp_blks_read + s.temp_blks_written)::float8 AS temp_blks,
         ${has("wal_bytes") ? "s.wal_bytes::float8" : "NULL::float8"} AS wal_bytes, ${readTime}::float8 AS blk_read_ms
    FROM pg_stat_statements(false) s
    LEFT JOIN pg_database d ON d.oid = s.dbid
    LEFT JOIN pg_roles r ON r.oid = s.userid`;
}

async function snapshotIn(db: Queryable, server: string): Promise<StatementSnapshot | StatementsUnavailable> {
  const info = (await db.query(INFO)).rows[0];
  if (!info.installed) {
    return { unavailable: "not_installed", message: "The pg_stat_statements extension is not created in the database the console connects to." };
  }
  let cols = columnCache.get(server);
  if (!cols) {
    cols = new Set((await db.query(COLUMNS)).rows.map((r) => r.attname as string));
    columnCache.set(server, cols);
  }
  const all = (await db.query(snapshotSql(cols))).rows as (StatementCounters & { queryid: string | null })[];
  const rows = all.filter((r) => r.queryid !== null) as StatementCounters[];
  const extra = info.has_info ? (await db.query(INFO_14)).rows[0] : null;
  return {
    rows,
    hidden: all.length - rows.length,
    dealloc: extra ? Number(extra.dealloc) : null,
    statsReset: extra?.stats_reset ? new Date(extra.stats_reset).toISOString() : null,
    maxEntries: info.max_entries ?? null,
    postmasterStart: new Date(info.postmaster_start).toISOString(),
  };
}

/** One snapshot of pg_stat_statements on the server's default database (it is cluster-wide). */
export async function readStatementSnapshot(server: string): Promise<StatementSnapshot | StatementsUnavailable> {
  try {
    return await read({ server }, (db) => snapshotIn(db, server));
  } catch (err) {
    // "pg_stat_statements must be loaded via shared_preload_libraries" is 55000.
    if (err instanceof DbError && err.sqlstate === "55000") {
      return { unavailable: "not_preloaded", message: "pg_stat_statements is not in shared_preload_libraries (a restart is needed after adding it)." };
    }
    if (err instanceof DbError && (err.sqlstate === "42703" || err.sqlstate === "42883")) columnCache.delete(server); // extension updated
    if (err instanceof DbError && err.code === "not_permitted") {
      return { unavailable: "not_permitted", message: "The console's role may not read pg_stat_statements." };
    }
    throw err;
  }
}

/** Normalized texts of the given queryids (reads the texts file once: only for new statements). */
export async function readStatementTexts(server: string, queryids: string[]): Promise<Map<string, string>> {
  if (!queryids.length) return new Map();
  const rows = await read({ server }, async (db) => (await db.query(TEXTS, [queryids])).rows as { queryid: string; query: string }[]);
  return new Map(rows.map((r) => [r.queryid, r.query]));
}

/** Tests and upgrades: forget the learnt columns. */
export function forgetStatementColumns() {
  columnCache.clear();
}
