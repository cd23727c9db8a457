import "server-only";
import { store } from "./db";
import { bucketSql, DATABASE_COLUMNS, hourlyPointSql, pointColumns, SERVER_COLUMNS, type Point } from "./metric-columns";

// Reads of the metric history for the charts (bucketed raw points or hourly points), the fleet
// (latest points and up/down state per server) and /metrics (latest values).

const SERVER_BUCKETS = bucketSql({ table: "metric_server_samples", columns: SERVER_COLUMNS, byDatabase: false, output: "point" });
const DATABASE_BUCKETS = bucketSql({ table: "metric_database_samples", columns: DATABASE_COLUMNS, byDatabase: true, datnameParam: "$5", output: "point" });
const SERVER_HOURLY = hourlyPointSql("metric_server_hourly", SERVER_COLUMNS, false);
const DATABASE_HOURLY = hourlyPointSql("metric_database_hourly", DATABASE_COLUMNS, true);

const SIZES = /* sql */ `
  SELECT DISTINCT ON (datname, bucket) datname, (extract(epoch FROM bucket) * 1000)::float8 AS at, size_bytes::float8 AS size
    FROM (SELECT datname, at, size_bytes, to_timestamp(floor(extract(epoch FROM at)::float8 / $4) * $4) AS bucket
            FROM metric_database_sizes
           WHERE server = $1 AND at >= $2 AND at < $3 AND ($5::text IS NULL OR datname = $5)) s
   ORDER BY datname, bucket, at DESC`;
// Growth per day: first and last size of each database over the window.
const SIZE_GROWTH = /* sql */ `
  SELECT datname,
         (array_agg(size_bytes ORDER BY at) FILTER (WHERE size_bytes IS NOT NULL))[1]::float8 AS first,
         (array_agg(size_bytes ORDER BY at DESC) FILTER (WHERE size_bytes IS NOT NULL))[1]::float8 AS last,
         (extract(epoch FROM max(at) - min(at)) * 1000)::float8 AS span_ms
    FROM metric_database_sizes
   WHERE server = $1 AND at >= $2 AND ($3::text IS NULL OR datname = $3)
   GROUP BY datname ORDER BY datname`;
// Hourly points name every database of the range but the current hour; the newest raw point
// names the current ones (scanning two days of raw database rows for names would not be cheap).
const DATABASES_SEEN = /* sql */ `
  SELECT DISTINCT datname FROM metric_database_hourly WHERE server = $1 AND at >= $2
  UNION
  SELECT datname FROM metric_database_samples
   WHERE server = $1 AND at = (SELECT max(at) FROM metric_server_samples WHERE server = $1 AND at >= $2)
  ORDER BY 1`;

export type { Point };

/** Raw points of [from, to) in buckets of `stepS` seconds (a raw point per bucket when stepS ≤ the interval). */
export async function serverBuckets(server: string, from: number, to: number, stepS: number): Promise<Point[]> {
  return (await (await store()).query(SERVER_BUCKETS, [server, new Date(from), new Date(to), stepS])).rows;
}

export async function databaseBuckets(server: string, datname: string, from: number, to: number, stepS: number): Promise<Point[]> {
  return (await (await store()).query(DATABASE_BUCKETS, [server, new Date(from), new Date(to), stepS, datname])).rows;
}

export async function serverHourly(server: string, from: number, to: number): Promise<Point[]> {
  return (await (await store()).query(SERVER_HOURLY, [server, new Date(from), new Date(to)])).rows;
}

export async function databaseHourly(server: string, datname: string, from: number, to: number): Promise<Point[]> {
  return (await (await store()).query(DATABASE_HOURLY, [server, new Date(from), new Date(to), datname])).rows;
}

export interface SizePoint {
  datname: string;
  at: number;
  size: number | null;
}

export async function databaseSizes(server: string, from: number, to: number, stepS: number, datname?: string): Promise<SizePoint[]> {
  return (await (await store()).query(SIZES, [server, new Date(from), new Date(to), stepS, datname ?? null])).rows;
}

export interface SizeGrowth {
  datname: string;
  first: number | null;
  last: number | null;
  span_ms: number | null;
}

export async function databaseSizeGrowth(server: string, since: number, datname?: string): Promise<SizeGrowth[]> {
  return (await (await store()).query(SIZE_GROWTH, [server, new Date(since), datname ?? null])).rows;
}

/** Databases with history since `since` (a dropped database keeps its history). */
export async function databasesSeen(server: string, since: number): Promise<string[]> {
  return (await (await store()).query(DATABASES_SEEN, [server, new Date(since)])).rows.map((r) => r.datname as string);
}

// The newest `n` raw points per server: one scan of the last few intervals for all servers, then
// a per-server look back (an hour at most) only for those with nothing that recent (stale or down).
const RECENT_POINTS = /* sql */ `
  SELECT * FROM (
    SELECT m.server, (extract(epoch FROM m.at) * 1000)::float8 AS at, (extract(epoch FROM m.at) * 1000)::float8 AS "lastAt",
           1 AS samples, ${pointColumns(SERVER_COLUMNS, "m")},
           row_number() OVER (PARTITION BY m.server ORDER BY m.at DESC) AS rn
      FROM metric_server_samples m
     WHERE m.server = ANY($1::text[]) AND m.at > now() - $3 * interval '1 millisecond') x
   WHERE rn <= $2`;
const OLDER_POINTS = /* sql */ `
  SELECT s.server, p.*
    FROM unnest($1::text[]) AS s(server)
    CROSS JOIN LATERAL (
      SELECT (extract(epoch FROM m.at) * 1000)::float8 AS at, (extract(epoch FROM m.at) * 1000)::float8 AS "lastAt",
             1 AS samples, ${pointColumns(SERVER_COLUMNS, "m")}
        FROM metric_server_samples m
       WHERE m.server = s.server AND m.at > now() - interval '1 hour'
       ORDER BY m.at DESC
       LIMIT $2) p`;
const STATES = /* sql */ `
  SELECT server, ok, error_code AS "errorCode", error,
         (extract(epoch FROM since) * 1000)::float8 AS since,
         (extract(epoch FROM checked_at) * 1000)::float8 AS "checkedAt"
    FROM metric_server_state WHERE server = ANY($1::text[])`;

/** Newest `n` points per server, newest first; `recentMs`: how far back the common scan looks. */
export async function latestPoints(servers: string[], n: number, recentMs = 120_000): Promise<Map<string, Point[]>> {
  const db = await store();
  const out = new Map<string, Point[]>();
  const add = (rows: (Point & { server: string })[]) => {
    for (const r of rows) {
      const list = out.get(r.server) ?? [];
      list.push(r);
      out.set(r.server, list);
    }
  };
  add((await db.query(RECENT_POINTS, [servers, n, recentMs])).rows);
  const missing = servers.filter((s) => (out.get(s)?.length ?? 0) < n);
  if (missing.length) {
    for (const s of missing) out.delete(s);
    add((await db.query(OLDER_POINTS, [missing, n])).rows);
  }
  for (const list of out.values()) list.sort((a, b) => b.at - a.at);
  return out;
}

export interface ServerState {
  server: string;
  ok: boolean;
  errorCode: string | null;
  error: string | null;
  since: number;
  checkedAt: number;
}

export async function serverStates(servers: string[]): Promise<Map<string, ServerState>> {
  const { rows } = await (await store()).query(STATES, [servers]);
  return new Map((rows as ServerState[]).map((r) => [r.server, r]));
}

// The databases of each server's newest raw point, and each database's newest size.
const LATEST_DATABASES = /* sql */ `
  SELECT d.server, d.datname, ${pointColumns(DATABASE_COLUMNS, "d")}
    FROM unnest($1::text[], $2::timestamptz[]) AS l(server, at)
    JOIN metric_database_samples d ON d.server = l.server AND d.at = l.at
   ORDER BY d.server, d.datname`;
const LATEST_SIZES = /* sql */ `
  SELECT DISTINCT ON (server, datname) server, datname, size_bytes::float8 AS size
    FROM metric_database_sizes
   WHERE server = ANY($1::text[]) AND at > now() - interval '1 hour'
   ORDER BY server, datname, at DESC`;

export async function latestDatabases(latest: { server: string; at: number }[]): Promise<(Point & { server: string; datname: string })[]> {
  if (!latest.length) return [];
  const { rows } = await (await store()).query(LATEST_DATABASES, [latest.map((l) => l.server), latest.map((l) => new Date(l.at))]);
  return rows;
}

export async function latestSizes(servers: string[]): Promise<{ server: string; datname: string; size: number | null }[]> {
  return (await (await store()).query(LATEST_SIZES, [servers])).rows;
}

// After a takeover the new lease holder must not sample a server again in the same interval,
// and can start from the version its predecessor saw (the sample SQL depends on it).
const LAST_SAMPLES = /* sql */ `
  SELECT s.server, l.at, l.version_num
    FROM unnest($1::text[]) AS s(server)
    LEFT JOIN LATERAL (
      SELECT (extract(epoch FROM m.at) * 1000)::float8 AS at, m.version_num FROM metric_server_samples m
       WHERE m.server = s.server AND m.at > now() - interval '1 hour'
       ORDER BY m.at DESC LIMIT 1) l ON true`;

export async function lastSamples(servers: string[]): Promise<Map<string, { at: number; versionNum: number | null } | null>> {
  if (!servers.length) return new Map();
  const { rows } = await (await store()).query(LAST_SAMPLES, [servers]);
  return new Map(rows.map((r) => [r.server as string, r.at === null ? null : { at: r.at as number, versionNum: r.version_num as number | null }]));
}

const LAST_SIZES_AT = /* sql */ `
  SELECT server, (extract(epoch FROM max(at)) * 1000)::float8 AS at
    FROM metric_database_sizes
   WHERE server = ANY($1::text[]) AND at > now() - interval '1 hour'
   GROUP BY server`;

export async function lastSizeTimes(servers: string[]): Promise<Map<string, number | null>> {
  if (!servers.length) return new Map();
  const { rows } = await (await store()).query(LAST_SIZES_AT, [servers]);
  return new Map(rows.map((r) => [r.server as string, r.at as number | null]));
}
