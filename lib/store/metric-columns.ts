import "server-only";

// What each stored metric column is, and so how it is aggregated into a coarser point (a bucket
// of the 24 h chart, an hourly rollup): counters and epochs keep the bucket's LAST value (rates
// are computed later between last values, see lib/monitoring/rates.ts), gauges are averaged, and
// "worst" gauges (ages, lags) keep their maximum so a spike is not averaged away.
// Everything here is a constant of the code; no name in these SQL strings comes from a request.

export type Agg = "last" | "avg" | "max";
type Kind = "int" | "float" | "bool" | "time";

interface Column {
  col: string;
  agg: Agg;
  kind: Kind;
}

const c = (col: string, agg: Agg, kind: Kind = "int"): Column => ({ col, agg, kind });

/** pg_stat_database's cumulative counters: kept per server (summed) and per database alike. */
const STAT_DATABASE_COUNTERS: readonly Column[] = [
  c("xact_commit", "last"),
  c("xact_rollback", "last"),
  c("blks_read", "last"),
  c("blks_hit", "last"),
  c("tup_returned", "last"),
  c("tup_fetched", "last"),
  c("tup_inserted", "last"),
  c("tup_updated", "last"),
  c("tup_deleted", "last"),
  c("temp_files", "last"),
  c("temp_bytes", "last"),
  c("deadlocks", "last"),
];

export const SERVER_COLUMNS: readonly Column[] = [
  c("postmaster_start", "last", "time"),
  c("version_num", "last"),
  c("in_recovery", "last", "bool"),
  c("max_connections", "last"),
  c("conn_active", "avg"),
  c("conn_idle", "avg"),
  c("conn_idle_in_xact", "avg"),
  c("conn_total", "avg"),
  c("wait_cpu", "avg"),
  c("wait_lock", "avg"),
  c("wait_lwlock", "avg"),
  c("wait_io", "avg"),
  c("wait_ipc", "avg"),
  c("wait_client", "avg"),
  c("wait_other", "avg"),
  c("longest_xact_s", "max", "float"),
  c("oldest_xmin_age", "max"),
  c("av_workers", "avg"),
  c("av_max_workers", "last"),
  c("wal_lsn", "last"),
  c("receive_lsn", "last"),
  c("replay_lsn", "last"),
  c("replay_lag_s", "max", "float"),
  c("standby_lag_bytes", "max"),
  c("standby_lag_s", "max", "float"),
  c("ckpt_timed", "last"),
  c("ckpt_requested", "last"),
  c("ckpt_buffers", "last"),
  c("ckpt_write_ms", "last", "float"),
  c("ckpt_sync_ms", "last", "float"),
  c("ckpt_reset", "last", "time"),
  ...STAT_DATABASE_COUNTERS,
  c("db_epoch", "last"),
];

export const DATABASE_COLUMNS: readonly Column[] = [
  c("datid", "last"),
  c("postmaster_start", "last", "time"),
  c("stats_reset", "last", "time"),
  c("backends", "avg"),
  c("conn_active", "avg"),
  c("conn_idle", "avg"),
  c("conn_idle_in_xact", "avg"),
  ...STAT_DATABASE_COUNTERS,
];

export type ServerColumn = (typeof SERVER_COLUMNS)[number]["col"];

/** A point as read back: every metric column as a number (times in epoch ms, booleans 0/1) or null. */
export type Point = Record<string, number | null> & { at: number; lastAt: number; samples: number };

/** `src.col` as a JS-friendly number: bigint/numeric arrive as strings, timestamps as Dates otherwise. */
function asNumber(expr: string, kind: Kind): string {
  if (kind === "time") return `(extract(epoch FROM ${expr}) * 1000)::float8`;
  if (kind === "bool") return `(${expr})::int`;
  return `(${expr})::float8`;
}

/** SELECT list reading a stored row (raw or hourly) as a Point. */
export function pointColumns(columns: readonly Column[], alias: string): string {
  return columns.map((x) => `${asNumber(`${alias}.${x.col}`, x.kind)} AS ${x.col}`).join(", ");
}

/**
 * A bucketed aggregation of raw rows: one row per `step` seconds (per database for database
 * rows), with gauges aggregated and every "last" column taken from the bucket's last row.
 * Parameters: $1 server, $2 from, $3 to, $4 step seconds, then `extraParams` (e.g. $5 datname).
 * `output` "point" reads numbers for the API; "store" keeps column types for an INSERT.
 */
export function bucketSql(opts: {
  table: "metric_server_samples" | "metric_database_samples";
  columns: readonly Column[];
  /** extra filter and grouping key for database rows */
  byDatabase: boolean;
  datnameParam?: string;
  output: "point" | "store";
}): string {
  const { table, columns, byDatabase } = opts;
  const key = byDatabase ? "datname, " : "";
  const filter = opts.datnameParam ? ` AND datname = ${opts.datnameParam}` : "";
  const aggregated = columns
    .filter((x) => x.agg !== "last")
    .map((x) => `${x.agg}(${x.col}) AS ${x.col}`);
  const read = (x: Column, alias: string) => (opts.output === "point" ? asNumber(`${alias}.${x.col}`, x.kind) : `${alias}.${x.col}`);
  const select = columns.map((x) => `${read(x, x.agg === "last" ? "r" : "g")} AS ${x.col}`);
  const at = opts.output === "point" ? "(extract(epoch FROM g.bucket) * 1000)::float8" : "g.bucket";
  const lastAt = opts.output === "point" ? "(extract(epoch FROM g.last_at) * 1000)::float8" : "g.last_at";
  // The time range again on the joined side: without it the planner cannot prune partitions
  // there and hashes every raw point of the server (a 1 h chart read 2 days of rows).
  const join = `r.server = $1 AND r.at >= $2 AND r.at < $3 AND ${byDatabase ? "r.datname = g.datname AND " : ""}r.at = g.last_at`;
  return /* sql */ `
    WITH g AS (
      SELECT ${key}to_timestamp(floor(extract(epoch FROM at)::float8 / $4) * $4) AS bucket,
             max(at) AS last_at, count(*)::int AS samples${aggregated.length ? ", " + aggregated.join(", ") : ""}
        FROM ${table}
       WHERE server = $1 AND at >= $2 AND at < $3${filter}
       GROUP BY ${key}bucket
    )
    SELECT ${opts.output === "store" ? "$1::text AS server, " : ""}${byDatabase ? "g.datname, " : ""}${at} AS at, ${lastAt} AS "lastAt", g.samples, ${select.join(", ")}
      FROM g JOIN ${table} r ON ${join}
     ORDER BY ${byDatabase ? "g.datname, " : ""}g.bucket`;
}

/** Column list for INSERT ... SELECT of a bucket query into the hourly table. */
export function storeColumnList(columns: readonly Column[], byDatabase: boolean): string {
  return ["server", ...(byDatabase ? ["datname"] : []), "at", "last_at", "samples", ...columns.map((x) => x.col)].join(", ");
}

export function hourlyPointSql(table: "metric_server_hourly" | "metric_database_hourly", columns: readonly Column[], byDatabase: boolean): string {
  return /* sql */ `
    SELECT ${byDatabase ? "h.datname, " : ""}(extract(epoch FROM h.at) * 1000)::float8 AS at,
           (extract(epoch FROM h.last_at) * 1000)::float8 AS "lastAt", h.samples, ${pointColumns(columns, "h")}
      FROM ${table} h
     WHERE h.server = $1 AND h.at >= $2 AND h.at < $3${byDatabase ? " AND h.datname = $4" : ""}
     ORDER BY h.at`;
}
