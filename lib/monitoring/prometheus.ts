import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { Counter, Gauge, Registry } from "prom-client";
import { env } from "@/lib/config/env";
import { servers } from "@/lib/config/servers";
import { latestDatabases, latestPoints, latestSizes, serverStates } from "@/lib/store/metric-reads";
import type { Point } from "./charts";
import { fleetCard, versionText } from "./fleet";

// GET /metrics for Prometheus: the newest sampled values per server and database, from the store
// (so any replica answers for the whole fleet). Counters are exported raw as *_total: Prometheus
// computes rates itself and handles resets. Values of a server that is down or not sampled
// recently are left out (pgwarden_up says 0) rather than exported as if current.
// Guarded by a bearer token (PGWARDEN_METRICS_TOKEN), not a session: a scraper has no cookie.

/** Constant-time: both sides are hashed to the same length first. */
export function bearerMatches(header: string | null, token: string): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? "");
  if (!m) return false;
  const given = createHash("sha256").update(m[1]!).digest();
  const expected = createHash("sha256").update(token).digest();
  return timingSafeEqual(given, expected);
}

type Labels = Record<string, string>;

class Exporter {
  readonly registry = new Registry();
  private gauges = new Map<string, Gauge>();
  private counters = new Map<string, Counter>();

  gauge(name: string, help: string, labels: Labels, value: number | null | undefined) {
    if (value === null || value === undefined || !Number.isFinite(value)) return;
    let g = this.gauges.get(name);
    if (!g) {
      g = new Gauge({ name, help, labelNames: Object.keys(labels), registers: [this.registry] });
      this.gauges.set(name, g);
    }
    g.set(labels, value);
  }

  /** A counter read from PostgreSQL: a fresh registry per scrape, so inc() sets the value. */
  counter(name: string, help: string, labels: Labels, value: number | null | undefined) {
    if (value === null || value === undefined || !Number.isFinite(value) || value < 0) return;
    let c = this.counters.get(name);
    if (!c) {
      c = new Counter({ name, help, labelNames: Object.keys(labels), registers: [this.registry] });
      this.counters.set(name, c);
    }
    c.inc(labels, value);
  }
}

const WAITS: [string, string][] = [["cpu", "CPU"], ["lock", "Lock"], ["lwlock", "LWLock"], ["io", "IO"], ["ipc", "IPC"], ["client", "Client"], ["other", "other"]];
const TUPLES = ["returned", "fetched", "inserted", "updated", "deleted"];
const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : ms / 1000);

function exportServer(x: Exporter, server: string, p: Point) {
  const l = { server };
  x.gauge("pgwarden_server_info", "Server version and role (value is always 1).", { server, version: versionText(p.version_num) ?? "", role: p.in_recovery === 1 ? "standby" : "primary" }, 1);
  x.gauge("pgwarden_postmaster_start_time_seconds", "When the server last started (Unix time).", l, seconds(p.postmaster_start));
  x.gauge("pgwarden_max_connections", "max_connections setting.", l, p.max_connections);
  const other = Math.max(0, (p.conn_total ?? 0) - (p.conn_active ?? 0) - (p.conn_idle ?? 0) - (p.conn_idle_in_xact ?? 0));
  for (const [state, v] of [["active", p.conn_active], ["idle", p.conn_idle], ["idle_in_transaction", p.conn_idle_in_xact], ["other", other]] as const) {
    x.gauge("pgwarden_connections", "Client connections by state (the console's sampling session excluded).", { server, state }, v);
  }
  for (const [k, label] of WAITS) x.gauge("pgwarden_active_sessions", "Active client sessions by wait event type (CPU = not waiting).", { server, wait_event_type: label }, p[`wait_${k}`]);
  x.gauge("pgwarden_longest_transaction_seconds", "Age of the oldest open transaction of a client session.", l, p.longest_xact_s);
  x.gauge("pgwarden_oldest_xmin_age_transactions", "Age in transactions of the oldest xmin held (sessions, replication slots, prepared transactions).", l, p.oldest_xmin_age);
  x.gauge("pgwarden_autovacuum_workers", "Autovacuum workers running.", l, p.av_workers);
  x.gauge("pgwarden_autovacuum_max_workers", "autovacuum_max_workers setting.", l, p.av_max_workers);
  x.counter("pgwarden_wal_bytes_total", "WAL position of a primary in bytes (pg_current_wal_lsn).", l, p.wal_lsn);
  x.counter("pgwarden_wal_received_bytes_total", "WAL received by a standby, in bytes (pg_last_wal_receive_lsn).", l, p.receive_lsn);
  x.counter("pgwarden_wal_replayed_bytes_total", "WAL replayed by a standby, in bytes (pg_last_wal_replay_lsn).", l, p.replay_lsn);
  x.gauge("pgwarden_replication_replay_lag_seconds", "On a standby: time since the last replayed transaction.", l, p.replay_lag_s);
  x.gauge("pgwarden_replication_standby_lag_bytes", "On a primary: bytes the furthest standby has yet to replay.", l, p.standby_lag_bytes);
  x.gauge("pgwarden_replication_standby_lag_seconds", "On a primary: replay lag of the furthest standby.", l, p.standby_lag_s);
  x.counter("pgwarden_checkpoints_timed_total", "Checkpoints started by checkpoint_timeout.", l, p.ckpt_timed);
  x.counter("pgwarden_checkpoints_requested_total", "Checkpoints requested (max_wal_size reached, CHECKPOINT, ...).", l, p.ckpt_requested);
  x.counter("pgwarden_checkpoint_buffers_written_total", "Buffers written by checkpoints.", l, p.ckpt_buffers);
  x.counter("pgwarden_checkpoint_write_time_seconds_total", "Time checkpoints spent writing files.", l, seconds(p.ckpt_write_ms));
  x.counter("pgwarden_checkpoint_sync_time_seconds_total", "Time checkpoints spent syncing files.", l, seconds(p.ckpt_sync_ms));
  x.gauge("pgwarden_checkpoint_stats_reset_timestamp_seconds", "When the checkpoint statistics were last reset.", l, seconds(p.ckpt_reset));
}

function exportDatabase(x: Exporter, server: string, database: string, d: Point) {
  const l = { server, database };
  x.gauge("pgwarden_database_backends", "Sessions connected to the database (pg_stat_database.numbackends).", l, d.backends);
  x.counter("pgwarden_database_xact_commit_total", "Transactions committed.", l, d.xact_commit);
  x.counter("pgwarden_database_xact_rollback_total", "Transactions rolled back.", l, d.xact_rollback);
  x.counter("pgwarden_database_blocks_hit_total", "Blocks found in shared buffers.", l, d.blks_hit);
  x.counter("pgwarden_database_blocks_read_total", "Blocks read from outside shared buffers.", l, d.blks_read);
  for (const t of TUPLES) x.counter(`pgwarden_database_tuples_${t}_total`, `Rows ${t}.`, l, d[`tup_${t}`]);
  x.counter("pgwarden_database_temp_files_total", "Temporary files created.", l, d.temp_files);
  x.counter("pgwarden_database_temp_bytes_total", "Bytes written to temporary files.", l, d.temp_bytes);
  x.counter("pgwarden_database_deadlocks_total", "Deadlocks detected.", l, d.deadlocks);
  x.gauge("pgwarden_database_stats_reset_timestamp_seconds", "When the database's statistics were last reset.", l, seconds(d.stats_reset));
}

export async function prometheusText(now = Date.now()): Promise<{ body: string; contentType: string }> {
  const x = new Exporter();
  const all = servers();
  const ids = all.map((s) => s.id);
  const intervalMs = env().PGWARDEN_SAMPLE_INTERVAL_S * 1000;
  const [points, states, sizes] = await Promise.all([latestPoints(ids, 1, 4 * intervalMs), serverStates(ids), latestSizes(ids)]);
  const current: { server: string; at: number }[] = [];
  for (const s of all) {
    const p = (points.get(s.id) ?? [])[0] as Point | undefined;
    const card = fleetCard(s, p ? [p] : [], states.get(s.id), now, intervalMs);
    x.gauge("pgwarden_up", "1 when the server was sampled successfully within the last intervals.", { server: s.id }, card.status === "up" ? 1 : 0);
    x.gauge("pgwarden_last_sample_timestamp_seconds", "When the newest sample was taken (Unix time).", { server: s.id }, seconds(p?.lastAt));
    if (card.status !== "up" || !p) continue;
    exportServer(x, s.id, p);
    current.push({ server: s.id, at: p.lastAt });
  }
  for (const d of await latestDatabases(current)) exportDatabase(x, d.server, d.datname, d);
  const fresh = new Set(current.map((c) => c.server));
  for (const s of sizes) if (fresh.has(s.server)) x.gauge("pgwarden_database_size_bytes", "Database size (pg_database_size, every 5 minutes).", { server: s.server, database: s.datname }, s.size);
  return { body: await x.registry.metrics(), contentType: x.registry.contentType };
}

/** The whole /metrics answer: 404 when no token is configured, 401 without the right one. */
export async function metricsResponse(request: Request): Promise<Response> {
  const token = env().PGWARDEN_METRICS_TOKEN;
  const headers = { "cache-control": "no-store" };
  if (!token) return new Response("Not Found\n", { status: 404, headers });
  if (!bearerMatches(request.headers.get("authorization"), token)) {
    return new Response("Unauthorized\n", { status: 401, headers: { ...headers, "www-authenticate": 'Bearer realm="pgwarden metrics"' } });
  }
  try {
    const { body, contentType } = await prometheusText();
    return new Response(body, { status: 200, headers: { ...headers, "content-type": contentType } });
  } catch (err) {
    console.error("pgwarden: /metrics failed:", (err as Error)?.name ?? typeof err);
    return new Response("The console's store is unavailable.\n", { status: 503, headers });
  }
}
