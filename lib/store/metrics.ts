import "server-only";
import type { DatabaseSample, ServerSample } from "@/lib/pg/samples";
import { store } from "./db";
import { bucketSql, DATABASE_COLUMNS, SERVER_COLUMNS, storeColumnList } from "./metric-columns";

// Writes of the metric history: samples, database sizes, the per-server up/down state, hourly
// rollups and partition housekeeping. Reads for charts, fleet and /metrics are in metric-reads.ts.

/** Raw points are kept this many days (the 1 h, 6 h and 24 h charts read them). */
export const RAW_RETENTION_DAYS = 2;
const DAY_MS = 86_400_000;

// One statement: the server row, then its databases' rows only if the server row went in. The
// NOT EXISTS guard (a quarter interval either side) keeps one point per server and interval even
// if two replicas both believed that they held the lease for a moment (a takeover racing a slow
// renewal): both would sample at the same offset in the same interval.
const INSERT_SAMPLE = /* sql */ `
  WITH s AS (
    INSERT INTO metric_server_samples
    SELECT r.* FROM jsonb_populate_record(NULL::metric_server_samples,
                      $3::jsonb - 'databases' || jsonb_build_object('server', $1::text, 'at', $2::timestamptz)) r
     WHERE NOT EXISTS (SELECT FROM metric_server_samples x
                        WHERE x.server = $1 AND x.at > $2::timestamptz - $4 * interval '1 second'
                          AND x.at < $2::timestamptz + $4 * interval '1 second')
    RETURNING 1
  ), d AS (
    INSERT INTO metric_database_samples
    SELECT r.* FROM jsonb_populate_recordset(NULL::metric_database_samples, $5::jsonb) r
     WHERE EXISTS (SELECT FROM s)
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM s)::int AS inserted, (SELECT count(*) FROM d)::int AS databases`;

const INSERT_SIZES = /* sql */ `
  INSERT INTO metric_database_sizes
  SELECT r.* FROM jsonb_populate_recordset(NULL::metric_database_sizes, $1::jsonb) r
  ON CONFLICT DO NOTHING`;

const UPSERT_STATE = /* sql */ `
  INSERT INTO metric_server_state AS s (server, ok, error_code, error, since, checked_at)
  VALUES ($1, $2, $3, $4, now(), now())
  ON CONFLICT (server) DO UPDATE
     SET ok = EXCLUDED.ok, error_code = EXCLUDED.error_code, error = EXCLUDED.error,
         since = CASE WHEN s.ok = EXCLUDED.ok THEN s.since ELSE EXCLUDED.since END,
         checked_at = EXCLUDED.checked_at`;

const ENSURE_PARTITIONS = /* sql */ `SELECT pgwarden_metric_partitions_ensure($1::date, $2::date) AS n`;
const DROP_PARTITIONS = /* sql */ `SELECT pgwarden_metric_partitions_drop($1, $2) AS n`;

const NO_PARTITION = "23514"; // "no partition of relation ... found for row"

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Creates the daily partitions for yesterday .. `aheadDays` from now (idempotent, serialized). */
export async function ensurePartitions(aheadDays = 2, now = Date.now(), backDays = 1): Promise<number> {
  const { rows } = await (await store()).query(ENSURE_PARTITIONS, [utcDay(now - backDays * DAY_MS), utcDay(now + aheadDays * DAY_MS)]);
  return Number(rows[0]?.n ?? 0);
}

/** Drops partitions past retention: raw after RAW_RETENTION_DAYS, history after `historyDays`. */
export async function dropOldPartitions(historyDays: number): Promise<number> {
  const { rows } = await (await store()).query(DROP_PARTITIONS, [RAW_RETENTION_DAYS, historyDays]);
  return Number(rows[0]?.n ?? 0);
}

/** A write that lands outside the existing partitions creates them once and tries again. */
export async function withPartitions<T>(at: number, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if ((err as { code?: string }).code !== NO_PARTITION) throw err;
    await ensurePartitions(2, at);
    return write();
  }
}

/** Stores one sample; false when another point of this server lies within a quarter interval. */
export async function insertServerSample(server: string, at: number, sample: ServerSample, intervalS: number): Promise<boolean> {
  const databases = sample.databases.map((d: DatabaseSample) => ({
    ...d,
    server,
    at: new Date(at).toISOString(),
    postmaster_start: sample.postmaster_start,
  }));
  const { rows } = await withPartitions(at, async () =>
    (await store()).query(INSERT_SAMPLE, [server, new Date(at), JSON.stringify(sample), intervalS / 4, JSON.stringify(databases)]),
  );
  return rows[0]?.inserted === 1;
}

export async function insertDatabaseSizes(server: string, at: number, sizes: { datname: string; size_bytes: number | null }[]) {
  if (!sizes.length) return;
  const rows = sizes.map((s) => ({ ...s, server, at: new Date(at).toISOString() }));
  await withPartitions(at, async () => (await store()).query(INSERT_SIZES, [JSON.stringify(rows)]));
}

/** Records the outcome of sampling `server`; `since` only moves when up/down changes. */
export async function recordServerState(server: string, ok: boolean, error?: { code: string; message: string }) {
  await (await store()).query(UPSERT_STATE, [server, ok, error?.code ?? null, error?.message ?? null]);
}

const ROLLUP_SERVER = /* sql */ `
  INSERT INTO metric_server_hourly (${storeColumnList(SERVER_COLUMNS, false)})
  ${bucketSql({ table: "metric_server_samples", columns: SERVER_COLUMNS, byDatabase: false, output: "store" })}
  ON CONFLICT DO NOTHING`;
const ROLLUP_DATABASES = /* sql */ `
  INSERT INTO metric_database_hourly (${storeColumnList(DATABASE_COLUMNS, true)})
  ${bucketSql({ table: "metric_database_samples", columns: DATABASE_COLUMNS, byDatabase: true, output: "store" })}
  ON CONFLICT DO NOTHING`;
const LAST_ROLLED = /* sql */ `
  SELECT (extract(epoch FROM max(at)) * 1000)::float8 AS at FROM metric_server_hourly
   WHERE server = $1 AND at > now() - $2 * interval '1 day'`;
const FIRST_RAW = /* sql */ `
  SELECT (extract(epoch FROM min(at)) * 1000)::float8 AS at FROM metric_server_samples WHERE server = $1`;

/** Start (epoch ms) of the first hour of `server` that has no hourly point yet, or null if no data. */
export async function nextHourToRollUp(server: string): Promise<number | null> {
  const db = await store();
  const last = (await db.query(LAST_ROLLED, [server, RAW_RETENTION_DAYS])).rows[0]?.at as number | null;
  if (last !== null && last !== undefined) return last + 3_600_000;
  const first = (await db.query(FIRST_RAW, [server])).rows[0]?.at as number | null;
  return first === null || first === undefined ? null : Math.floor(first / 3_600_000) * 3_600_000;
}

/** Rolls the raw points of [fromMs, toMs) up into hourly points (whole hours; idempotent). */
export async function rollUpHours(server: string, fromMs: number, toMs: number): Promise<void> {
  if (toMs <= fromMs) return;
  const params = [server, new Date(fromMs), new Date(toMs), 3600];
  await withPartitions(fromMs, async () => {
    const db = await store();
    await db.query(ROLLUP_SERVER, params);
    await db.query(ROLLUP_DATABASES, params);
  });
}
