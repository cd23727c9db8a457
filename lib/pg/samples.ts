import "server-only";
import { env } from "@/lib/config/env";
import { ConsoleBusyError, isConnectionError, dbFailure } from "./errors";
import { markReachable, markUnreachable } from "./health";
import { acquire, type Lease } from "./pools";
import { processWide } from "@/lib/process-wide";

// The sampler's ONE cheap read per server and interval: everything the charts, the fleet card and
// /metrics need, as one JSON document whose keys are the store's column names
// (lib/store/schema/*_metric-samples.sql), so storing it is a json_populate_record.
// Sent with BEGIN READ ONLY, the SET LOCAL timeouts and COMMIT as one simple-query message: one
// round trip, no session state left behind (works through PgBouncer in transaction mode).

/** One point of a server: keys are metric_server_samples columns. */
export type ServerSample = Record<string, number | string | boolean | null> & {
  version_num: number;
  in_recovery: boolean;
  databases: DatabaseSample[];
};
/** One database of a sample: keys are metric_database_samples columns. */
export type DatabaseSample = Record<string, number | string | null> & { datname: string; datid: number };

// pg_stat_checkpointer replaced the checkpoint columns of pg_stat_bgwriter in 17.
const CHECKPOINTS_17 = /* sql */ `
  SELECT num_timed AS ckpt_timed, num_requested AS ckpt_requested, buffers_written AS ckpt_buffers,
         write_time AS ckpt_write_ms, sync_time AS ckpt_sync_ms, stats_reset AS ckpt_reset
    FROM pg_stat_checkpointer`;
const CHECKPOINTS_OLD = /* sql */ `
  SELECT checkpoints_timed AS ckpt_timed, checkpoints_req AS ckpt_requested, buffers_checkpoint AS ckpt_buffers,
         checkpoint_write_time AS ckpt_write_ms, checkpoint_sync_time AS ckpt_sync_ms, stats_reset AS ckpt_reset
    FROM pg_stat_bgwriter`;

// Client backends only, the sampler's own session excluded (it is always active and in a
// transaction). Sessions of other roles show state NULL without pg_read_all_stats: they still
// count in conn_total. pg_current_wal_lsn() fails on a standby, hence the CASEs. Each source is
// read and aggregated once (one row per CTE): the cost is planning plus one pass over
// pg_stat_activity and pg_stat_database (see test/bench/monitoring-bench.ts).
function sampleSql(versionNum: number): string {
  return /* sql */ `
WITH a AS MATERIALIZED (
  SELECT datid, backend_type, state, wait_event_type, xact_start, backend_xmin, backend_xid
    FROM pg_stat_activity
   WHERE pid <> pg_backend_pid()
), conn AS (
  SELECT count(*) FILTER (WHERE backend_type = 'autovacuum worker') AS av_workers,
         count(*) FILTER (WHERE backend_type = 'client backend') AS conn_total,
         count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'active') AS conn_active,
         count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'idle') AS conn_idle,
         count(*) FILTER (WHERE backend_type = 'client backend' AND state LIKE 'idle in transaction%') AS conn_idle_in_xact,
         count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'active' AND wait_event_type IS NULL) AS wait_cpu,
         count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'active' AND wait_event_type = 'Lock') AS wait_lock,
         count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'active' AND wait_event_type = 'LWLock') AS wait_lwlock,
         count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'active' AND wait_event_type = 'IO') AS wait_io,
         count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'active' AND wait_event_type = 'IPC') AS wait_ipc,
         count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'active' AND wait_event_type = 'Client') AS wait_client,
         count(*) FILTER (WHERE backend_type = 'client backend' AND state = 'active'
                            AND wait_event_type NOT IN ('Lock', 'LWLock', 'IO', 'IPC', 'Client')) AS wait_other,
         greatest(0, extract(epoch FROM max(now() - xact_start) FILTER (WHERE backend_type = 'client backend'))) AS longest_xact_s,
         -- what holds the xmin horizon back: sessions (standby feedback shows on walsenders)
         max(greatest(age(backend_xmin), age(backend_xid))) AS session_xmin_age
    FROM a
), per_db AS (
  SELECT datid,
         count(*) FILTER (WHERE state = 'active') AS conn_active,
         count(*) FILTER (WHERE state = 'idle') AS conn_idle,
         count(*) FILTER (WHERE state LIKE 'idle in transaction%') AS conn_idle_in_xact
    FROM a WHERE backend_type = 'client backend' GROUP BY datid
), d AS (
  SELECT s.datid::bigint AS datid, s.datname, s.stats_reset, s.numbackends AS backends,
         coalesce(p.conn_active, 0) AS conn_active, coalesce(p.conn_idle, 0) AS conn_idle,
         coalesce(p.conn_idle_in_xact, 0) AS conn_idle_in_xact,
         s.xact_commit, s.xact_rollback, s.blks_read, s.blks_hit, s.tup_returned, s.tup_fetched,
         s.tup_inserted, s.tup_updated, s.tup_deleted, s.temp_files, s.temp_bytes, s.deadlocks
    FROM pg_stat_database s
    JOIN pg_database b ON b.oid = s.datid
    LEFT JOIN per_db p ON p.datid = s.datid
   WHERE NOT b.datistemplate
), sums AS (
  SELECT sum(xact_commit) AS xact_commit, sum(xact_rollback) AS xact_rollback, sum(blks_read) AS blks_read,
         sum(blks_hit) AS blks_hit, sum(tup_returned) AS tup_returned, sum(tup_fetched) AS tup_fetched,
         sum(tup_inserted) AS tup_inserted, sum(tup_updated) AS tup_updated, sum(tup_deleted) AS tup_deleted,
         sum(temp_files) AS temp_files, sum(temp_bytes) AS temp_bytes, sum(deadlocks) AS deadlocks,
         -- changes when a database comes or goes or has its counters reset: the sums then jump
         hashtext(string_agg(datid || ':' || coalesce(extract(epoch FROM stats_reset)::text, '-'), ',' ORDER BY datid)) AS db_epoch,
         coalesce(json_agg(d), '[]') AS databases
    FROM d
), ckpt AS (${versionNum >= 170000 ? CHECKPOINTS_17 : CHECKPOINTS_OLD}
), rep AS (
  SELECT max(CASE WHEN NOT pg_is_in_recovery() THEN pg_current_wal_lsn() - replay_lsn END) AS standby_lag_bytes,
         extract(epoch FROM max(replay_lag)) AS standby_lag_s
    FROM pg_stat_replication
), horizon AS (
  SELECT (SELECT max(greatest(age(xmin), age(catalog_xmin))) FROM pg_replication_slots) AS slot_xmin_age,
         (SELECT max(age(transaction)) FROM pg_prepared_xacts) AS prepared_xmin_age
)
SELECT json_build_object(
  'version_num', current_setting('server_version_num')::int,
  'postmaster_start', pg_postmaster_start_time(),
  'in_recovery', pg_is_in_recovery(),
  'max_connections', current_setting('max_connections')::int,
  'av_max_workers', current_setting('autovacuum_max_workers')::int,
  'av_workers', conn.av_workers,
  'conn_active', conn.conn_active, 'conn_idle', conn.conn_idle, 'conn_idle_in_xact', conn.conn_idle_in_xact,
  'conn_total', conn.conn_total,
  'wait_cpu', conn.wait_cpu, 'wait_lock', conn.wait_lock, 'wait_lwlock', conn.wait_lwlock, 'wait_io', conn.wait_io,
  'wait_ipc', conn.wait_ipc, 'wait_client', conn.wait_client, 'wait_other', conn.wait_other,
  'longest_xact_s', coalesce(conn.longest_xact_s, 0),
  -- sessions, replication slots and prepared transactions; 0 when nothing holds the horizon
  'oldest_xmin_age', coalesce(greatest(conn.session_xmin_age, horizon.slot_xmin_age, horizon.prepared_xmin_age), 0),
  'wal_lsn', CASE WHEN NOT pg_is_in_recovery() THEN pg_current_wal_lsn() - '0/0'::pg_lsn END,
  'receive_lsn', pg_last_wal_receive_lsn() - '0/0'::pg_lsn,
  'replay_lsn', pg_last_wal_replay_lsn() - '0/0'::pg_lsn,
  'replay_lag_s', CASE WHEN pg_is_in_recovery()
                       THEN greatest(0, extract(epoch FROM now() - pg_last_xact_replay_timestamp())) END,
  'standby_lag_bytes', rep.standby_lag_bytes, 'standby_lag_s', rep.standby_lag_s,
  'ckpt_timed', ckpt.ckpt_timed, 'ckpt_requested', ckpt.ckpt_requested, 'ckpt_buffers', ckpt.ckpt_buffers,
  'ckpt_write_ms', ckpt.ckpt_write_ms, 'ckpt_sync_ms', ckpt.ckpt_sync_ms, 'ckpt_reset', ckpt.ckpt_reset,
  'xact_commit', sums.xact_commit, 'xact_rollback', sums.xact_rollback, 'blks_read', sums.blks_read,
  'blks_hit', sums.blks_hit, 'tup_returned', sums.tup_returned, 'tup_fetched', sums.tup_fetched,
  'tup_inserted', sums.tup_inserted, 'tup_updated', sums.tup_updated, 'tup_deleted', sums.tup_deleted,
  'temp_files', sums.temp_files, 'temp_bytes', sums.temp_bytes, 'deadlocks', sums.deadlocks,
  'db_epoch', sums.db_epoch,
  'databases', sums.databases
) AS sample
  FROM conn, sums, ckpt, rep, horizon`;
}

// pg_database_size needs CONNECT on the database or pg_read_all_stats; without either the size
// is NULL rather than an error that would lose every other database's size.
const DATABASE_SIZES = /* sql */ `
  SELECT json_agg(json_build_object(
           'datname', datname,
           'size_bytes', CASE WHEN has_database_privilege(oid, 'CONNECT')
                                OR pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')
                              THEN pg_database_size(oid) END) ORDER BY datname) AS sizes
    FROM pg_database
   WHERE NOT datistemplate AND datallowconn`;

function transaction(sql: string): string {
  const e = env();
  return [
    "BEGIN READ ONLY",
    `SET LOCAL statement_timeout = ${e.PGWARDEN_STATEMENT_TIMEOUT_MS}`,
    `SET LOCAL lock_timeout = ${e.PGWARDEN_LOCK_TIMEOUT_MS}`,
    `SET LOCAL idle_in_transaction_session_timeout = ${e.PGWARDEN_IDLE_TX_TIMEOUT_MS}`,
    sql,
    "COMMIT",
  ].join(";\n");
}

/**
 * Runs `sql` (no parameters) in one round trip and returns the first column of its one row. The
 * connection comes out of the server's one budget (lib/pg/pools.ts), shared with the pages: the
 * sampler never opens connections beyond PGWARDEN_POOL_MAX, and a console that is busy is not
 * taken for a server that is down.
 */
async function oneRoundTrip<T>(server: string, sql: string): Promise<T> {
  let lease: Lease;
  try {
    lease = await acquire({ server });
  } catch (err) {
    if (!(err instanceof ConsoleBusyError) && isConnectionError(err)) markUnreachable(server);
    throw dbFailure(err);
  }
  let broken = false;
  try {
    // The pool's clients give a server that stops answering up at statement_timeout + 1 s.
    const results = (await lease.client.query(transaction(sql))) as unknown as { rows: Record<string, unknown>[] }[];
    markReachable(server);
    const row = results[results.length - 2]?.rows[0]; // the SELECT; the last result is COMMIT's
    return Object.values(row ?? {})[0] as T;
  } catch (err) {
    broken = isConnectionError(err);
    if (broken) markUnreachable(server);
    // An error inside the block skips the rest of the message, COMMIT included.
    else await lease.client.query("ROLLBACK").catch(() => (broken = true));
    throw dbFailure(err);
  } finally {
    lease.release(broken);
  }
}

// The SQL depends on the major version; it is learnt from the previous sample. A wrong guess
// (first sample, or an upgrade) fails on a missing relation or column and is retried once.
const versions = processWide("samples.versions", () => new Map<string, number>()); // one per process (lib/process-wide.ts)
const UNDEFINED_OBJECT = new Set(["42P01", "42703", "42883"]);

/** A version learnt elsewhere (the previous lease holder's last sample), so the first read is right. */
export function rememberVersion(server: string, versionNum: number) {
  if (!versions.has(server)) versions.set(server, versionNum);
}

/** The sample's SQL for the server's version (the bench measures its planning time). */
export function sampleStatement(versionNum: number): string {
  return sampleSql(versionNum);
}

/** The sampler's one read of a server (every interval). */
export async function readServerSample(server: string): Promise<ServerSample> {
  const guess = versions.get(server) ?? 170000;
  let sample: ServerSample;
  try {
    sample = await oneRoundTrip<ServerSample>(server, sampleSql(guess));
  } catch (err) {
    const sqlstate = (err as { sqlstate?: string }).sqlstate;
    if (!sqlstate || !UNDEFINED_OBJECT.has(sqlstate)) throw err;
    const other = guess >= 170000 ? 160000 : 170000;
    sample = await oneRoundTrip<ServerSample>(server, sampleSql(other));
  }
  versions.set(server, sample.version_num);
  return sample;
}

/** Sizes of the server's databases (every 5 minutes: pg_database_size stats every file). */
export async function readDatabaseSizes(server: string): Promise<{ datname: string; size_bytes: number | null }[]> {
  return (await oneRoundTrip<{ datname: string; size_bytes: number | null }[] | null>(server, DATABASE_SIZES)) ?? [];
}
