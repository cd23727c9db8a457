import "server-only";
import type { Pool } from "@/lib/schemas/pgbouncer";
import { store } from "./db";
import { withPartitions } from "./metrics";

// PgBouncer pool history (metric_pgbouncer_pools): one row per pool and sample, written by the
// sampler's pgbouncer-pools collector, read bucketed for the PgBouncer page's charts.

// One point per PgBouncer and interval even when two replicas both believed they held its lease
// for a moment (the same guard as the server samples: nothing within a quarter interval).
const INSERT_POOLS = /* sql */ `
  INSERT INTO metric_pgbouncer_pools
  SELECT r.* FROM jsonb_populate_recordset(NULL::metric_pgbouncer_pools, $2::jsonb) r
   WHERE NOT EXISTS (SELECT FROM metric_pgbouncer_pools x
                      WHERE x.server = $1 AND x.at > $3::timestamptz - $4 * interval '1 second'
                        AND x.at < $3::timestamptz + $4 * interval '1 second')
  ON CONFLICT DO NOTHING`;

// Per bucket and pool: the peak of waiting clients and of maxwait (a queue that lasted 20 s inside
// a 5-minute bucket must not average away), the average of active clients and servers.
const BUCKETS = /* sql */ `
  SELECT database, username,
         (floor(extract(epoch FROM at)::float8 / $4) * $4 * 1000)::float8 AS t,
         max(cl_waiting)::float8 AS waiting,
         max(maxwait_ms)::float8 AS maxwait_ms,
         avg(cl_active)::float8 AS active,
         avg(sv_active)::float8 AS sv_active
    FROM metric_pgbouncer_pools
   WHERE server = $1 AND at >= $2 AND at < $3
   GROUP BY database, username, 3
   ORDER BY 3, database, username`;

const LAST_TIMES = /* sql */ `
  SELECT s AS server, (SELECT (extract(epoch FROM max(at)) * 1000)::float8 FROM metric_pgbouncer_pools
                        WHERE server = s AND at > now() - interval '1 day') AS at
    FROM unnest($1::text[]) s`;

/** Stores one SHOW POOLS; false when nothing went in (no pools, or a point within a quarter interval). */
export async function insertPoolSample(server: string, at: number, pools: Pool[], intervalS: number): Promise<boolean> {
  if (!pools.length) return false;
  const when = new Date(at);
  const rows = pools.map((p) => ({
    server,
    database: p.database,
    username: p.user,
    at: when.toISOString(),
    cl_active: p.clActive,
    cl_waiting: p.clWaiting,
    maxwait_ms: p.maxwaitMs,
    sv_active: p.svActive,
    sv_idle: p.svIdle,
    sv_used: p.svUsed,
    pool_mode: p.poolMode,
  }));
  const res = await withPartitions(at, async () => (await store()).query(INSERT_POOLS, [server, JSON.stringify(rows), when, intervalS / 4]));
  return (res.rowCount ?? 0) > 0;
}

export interface PoolBucket {
  database: string;
  username: string;
  /** epoch ms of the bucket's start */
  t: number;
  waiting: number;
  maxwait_ms: number;
  active: number;
  sv_active: number;
}

/** Points of [from, to) in buckets of `stepS` seconds, per pool. */
export async function poolBuckets(server: string, from: number, to: number, stepS: number): Promise<PoolBucket[]> {
  return (await (await store()).query(BUCKETS, [server, new Date(from), new Date(to), stepS])).rows;
}

/** When each PgBouncer's pools were last stored (a takeover continues the schedule). */
export async function lastPoolSampleTimes(servers: string[]): Promise<Map<string, number | null>> {
  const { rows } = await (await store()).query(LAST_TIMES, [servers]);
  return new Map(rows.map((r) => [r.server as string, r.at as number | null]));
}
