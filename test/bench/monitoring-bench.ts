// Monitoring benchmarks (issue 12): the sampler's cost on a monitored server (its DB time per
// minute, from pg_stat_statements), one replica sampling 200 servers (its CPU and RSS), and the
// server time of the overview's charts over 7 days of seeded points. One run, figures only.
import fs from "node:fs";
import os from "node:os";
import pg from "pg";
import { resetEnvCache } from "@/lib/config/env";
import { findServer, resetServerRegistry } from "@/lib/config/servers";
import { startCluster, type Cluster } from "@/lib/embedded/cluster";
import { coreCollector } from "@/lib/monitoring/collectors/core";
import { databaseSizesCollector } from "@/lib/monitoring/collectors/database-sizes";
import { fleetSummaries } from "@/lib/monitoring/fleet";
import { runCollector } from "@/lib/monitoring/run-collector";
import { metricSeries } from "@/lib/monitoring/series";
import { closeAllPools } from "@/lib/pg/pools";
import { sampleStatement } from "@/lib/pg/samples";
import { closeStore } from "@/lib/store/db";
import { dropOldPartitions, ensurePartitions, rollUpHours } from "@/lib/store/metrics";
import { withClient } from "../../lib/cli/demo-database";
import { startSamplerProcess, writeServersFile } from "../helpers/sampler-process";

type Figures = Record<string, number | string>;
const ROLE = "pgwarden_bench_console";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function until(what: string, timeoutMs: number, probe: () => Promise<boolean>) {
  const end = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** Points this process at `servers` and `storeUrl` (as the console would be configured). */
async function configure(storeUrl: string, servers: { id: string; url: string }[], interval: number) {
  await closeStore();
  await closeAllPools();
  Object.assign(process.env, { PGWARDEN_STORE_URL: storeUrl, PGWARDEN_SERVERS: writeServersFile(servers), PGWARDEN_SAMPLE_INTERVAL_S: String(interval) });
  delete process.env.DATABASE_URL;
  resetEnvCache();
  resetServerRegistry();
}

async function consoleRoleUrl(cluster: Cluster): Promise<string> {
  await withClient(cluster.url(), async (c) => {
    await c.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD 'bench' IN ROLE pg_monitor`);
    await c.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
    for (let i = 1; i <= 5; i++) await c.query(`CREATE DATABASE bench_app_${i}`);
    await c.query(`CREATE DATABASE bench_store`);
  });
  return `postgres://${ROLE}:bench@127.0.0.1:${cluster.port}/postgres`;
}

/** DB time (execution + planning) of the console's role on the monitored server, per sample. */
async function samplerCost(cluster: Cluster, out: Figures) {
  const url = await consoleRoleUrl(cluster);
  // Some company for pg_stat_activity: 100 idle sessions across the databases.
  const idle: pg.Client[] = [];
  for (let i = 0; i < 100; i++) {
    const c = new pg.Client({ connectionString: cluster.url(`bench_app_${(i % 5) + 1}`), application_name: "bench-idle" });
    await c.connect();
    idle.push(c);
  }
  try {
    await configure(cluster.url("bench_store"), [{ id: "bench", url }], 1);
    const server = findServer("bench")!;
    await runCollector(coreCollector, server); // opens the store and the connection, learns the version
    const statements = async () =>
      withClient(cluster.url(), async (c) => {
        const { rows } = await c.query(
          `SELECT coalesce(sum(total_exec_time), 0)::float8 AS ms, coalesce(sum(calls), 0)::int AS calls,
                  -- the cheapest execution: what a sample costs without CPU contention on the host
                  coalesce(sum(min_exec_time), 0)::float8 AS min_ms
             FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = $1`,
          [ROLE],
        );
        return rows[0] as { ms: number; calls: number; min_ms: number };
      });
    await withClient(cluster.url(), (c) => c.query("SELECT pg_stat_statements_reset()"));
    const n = 20;
    for (let i = 0; i < n; i++) {
      const t = Date.now();
      if (!(await runCollector(coreCollector, server))) throw new Error("bench: a sample failed");
      await new Promise((r) => setTimeout(r, Math.max(0, 300 - (Date.now() - t)))); // past the store's duplicate guard
    }
    const core = await statements();
    await withClient(cluster.url(), (c) => c.query("SELECT pg_stat_statements_reset()"));
    if (!(await runCollector(databaseSizesCollector, server))) throw new Error("bench: database sizes failed");
    const sizes = await statements();
    // Planning, measured apart: pg_stat_statements.track_planning=on inflated it ~8x on this host.
    const plans: number[] = [];
    await withClient(url, async (c) => {
      const version = Number((await c.query("SHOW server_version_num")).rows[0].server_version_num);
      for (let i = 0; i < 21; i++) {
        const { rows } = await c.query(`EXPLAIN (SUMMARY) ${sampleStatement(version)}`);
        plans.push(Number(/Planning Time: ([\d.]+)/.exec(rows.map((r) => r["QUERY PLAN"]).join("\n"))?.[1]));
      }
    });
    const plan = percentile(plans.slice(1), 50);
    const perMinute = (core.ms / n + plan) * (60 / 15) + sizes.ms / 5;
    out["sampler DB time on the monitored server per minute at 15 s, with planning (ms, target < 50)"] = +perMinute.toFixed(2);
    out["  execution per sample, mean over 20 (pg_stat_statements, ms)"] = +(core.ms / n).toFixed(3);
    out["  execution per sample, cheapest (ms; without CPU contention)"] = +core.min_ms.toFixed(3);
    out["  planning of the read, median (EXPLAIN SUMMARY, ms)"] = +plan.toFixed(3);
    out["  host load average during the run (1 min, 2 cores)"] = os.loadavg()[0]!.toFixed(1);
    out["  statements per sample (BEGIN, 3 SET LOCAL, the read, COMMIT)"] = +(core.calls / n).toFixed(1);
    out["  database sizes every 5 min, 6 databases (ms)"] = +sizes.ms.toFixed(3);
    out["  sessions on the server during the measurement"] = 100;
  } finally {
    await Promise.all(idle.map((c) => c.end().catch(() => {})));
    await closeAllPools();
  }
  return url;
}

function procStat(pid: number): { cpuMs: number; rssMb: number; hwmMb: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100 Hz)
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { cpuMs: ticks * 10, rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
}

/** One replica (a separate process) sampling 200 server entries at the default 15 s. */
async function twoHundredServers(cluster: Cluster, url: string, seconds: number, out: Figures) {
  const storeUrl = cluster.url("bench_store");
  const ids = Array.from({ length: 200 }, (_, i) => `fleet${String(i + 1).padStart(3, "0")}`);
  const servers = ids.map((id) => ({ id, url }));
  const proc = await startSamplerProcess({ PGWARDEN_STORE_URL: storeUrl, PGWARDEN_SERVERS: writeServersFile(servers), PGWARDEN_SAMPLE_INTERVAL_S: "15" });
  const store = new pg.Client({ connectionString: storeUrl });
  await store.connect();
  try {
    const started = Date.now();
    const sampledSince = async (since: number, times: number) =>
      Number(
        (
          await store.query(
            `SELECT count(*) AS n FROM (SELECT server FROM metric_server_samples WHERE at > $1 AND server LIKE 'fleet%' GROUP BY server HAVING count(*) >= $2) x`,
            [new Date(since), times],
          )
        ).rows[0].n,
      );
    await until("200 servers sampled twice", 120_000, async () => (await sampledSince(started, 2)) === 200);
    out["one replica, 200 servers: warm-up until every server was sampled twice (s)"] = Math.round((Date.now() - started) / 1000);
    const a = procStat(proc.pid);
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const b = procStat(proc.pid);
    const wall = Date.now() - t0;
    const samples = Number((await store.query(`SELECT count(*) AS n FROM metric_server_samples WHERE at > $1 AND at <= $2 AND server LIKE 'fleet%'`, [new Date(t0), new Date(t0 + wall)])).rows[0].n);
    out[`  console CPU over ${seconds} s (% of one core)`] = +(((b.cpuMs - a.cpuMs) / wall) * 100).toFixed(1);
    out["  console RSS (MB)"] = Math.round(b.rssMb);
    out["  console peak RSS (MB)"] = Math.round(b.hwmMb);
    out["  samples stored per 15 s interval (of 200)"] = +((samples * 15_000) / wall).toFixed(1);
    // The fleet summary for 200 servers, read from the store as /api/fleet does.
    await configure(storeUrl, servers, 15);
    const admin = { defaultRole: "admin" as const, overrides: {} };
    await fleetSummaries(admin); // opens the store
    const times: number[] = [];
    let up = 0;
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      const f = await fleetSummaries(admin);
      times.push(performance.now() - t);
      up = f.servers.filter((s) => s.status === "up").length;
    }
    out["  /api/fleet server time for 200 servers, p50 (ms)"] = Math.round(percentile(times, 50));
    out["  servers up in the fleet summary"] = up;
  } finally {
    await proc.stop();
    await store.end();
  }
}

/** 7 days of 15 s points for one server (3 databases), rolled up as the sampler does; returns the
 * bytes the raw points took before the older days were dropped. */
export async function seedWeek(storeUrl: string, server: string, now: number): Promise<number> {
  await ensurePartitions(2, now, 8);
  const c = new pg.Client({ connectionString: storeUrl });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO metric_server_samples (server, at, postmaster_start, version_num, in_recovery, max_connections,
              conn_active, conn_idle, conn_idle_in_xact, conn_total, wait_cpu, wait_lock, wait_io, wait_lwlock, wait_ipc, wait_client, wait_other,
              longest_xact_s, oldest_xmin_age, av_workers, av_max_workers, wal_lsn, ckpt_timed, ckpt_requested, ckpt_buffers, ckpt_reset,
              xact_commit, xact_rollback, blks_read, blks_hit, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted,
              temp_files, temp_bytes, deadlocks, db_epoch)
       SELECT $1, to_timestamp($2 / 1000.0) - g * interval '15 s', to_timestamp($2 / 1000.0) - interval '30 days', 180001, false, 200,
              3 + random() * 5, 40, random() * 2, 45, random() * 3, random(), random(), 0, 0, random(), 0,
              random() * 30, 1000 + random() * 500, random() * 2, 3, 1e9 + (40320 - g) * 1.5e6, (40320 - g) / 20, (40320 - g) / 400, (40320 - g) * 50, now() - interval '30 days',
              (40320 - g) * 1500, (40320 - g) * 3, (40320 - g) * 200, (40320 - g) * 20000, (40320 - g) * 90000, (40320 - g) * 30000, (40320 - g) * 300, (40320 - g) * 200, (40320 - g) * 20,
              (40320 - g) / 100, (40320 - g) * 100000, (40320 - g) / 5000, 42
         FROM generate_series(0::bigint, 40319) g`,
      [server, now],
    );
    await c.query(
      `INSERT INTO metric_database_samples (server, datname, at, datid, postmaster_start, stats_reset, backends, conn_active, conn_idle, conn_idle_in_xact,
              xact_commit, xact_rollback, blks_read, blks_hit, tup_returned, tup_fetched, tup_inserted, tup_updated, tup_deleted, temp_files, temp_bytes, deadlocks)
       SELECT $1, 'app_' || d, to_timestamp($2 / 1000.0) - g * interval '15 s', 16000 + d, to_timestamp($2 / 1000.0) - interval '30 days', NULL, 15, 1 + random() * 2, 13, random(),
              (40320 - g) * 500, (40320 - g), (40320 - g) * 60, (40320 - g) * 6600, (40320 - g) * 30000, (40320 - g) * 10000, (40320 - g) * 100, (40320 - g) * 60, (40320 - g) * 7,
              (40320 - g) / 300, (40320 - g) * 33000, 0
         FROM generate_series(0::bigint, 40319) g, generate_series(1, 3) d`,
      [server, now],
    );
    await c.query(
      `INSERT INTO metric_database_sizes (server, datname, at, size_bytes)
       SELECT $1, 'app_' || d, to_timestamp($2 / 1000.0) - g * interval '5 min', 5e9 + (2016 - g) * 1e6
         FROM generate_series(0::bigint, 2015) g, generate_series(1, 3) d`,
      [server, now],
    );
    const raw = Number(
      (await c.query(`SELECT sum(pg_total_relation_size(inhrelid))::float8 AS b FROM pg_inherits WHERE inhparent IN ('metric_server_samples'::regclass, 'metric_database_samples'::regclass)`)).rows[0].b,
    );
    await rollUpHours(server, Math.floor((now - 7 * DAY) / HOUR) * HOUR, Math.floor(now / HOUR) * HOUR);
    await dropOldPartitions(14); // raw points older than 2 days go, as they would in production
    await c.query("ANALYZE");
    return raw;
  } finally {
    await c.end();
  }
}

async function weekChart(cluster: Cluster, out: Figures) {
  await withClient(cluster.url(), (c) => c.query("CREATE DATABASE bench_store_week"));
  const storeUrl = cluster.url("bench_store_week");
  const now = Date.now();
  const server = "seeded";
  await configure(storeUrl, [{ id: server, url: "postgres://unused@127.0.0.1:1/x" }], 15);
  await ensurePartitions(2, now); // opens (and migrates) the store
  const t = performance.now();
  const rawBytes = await seedWeek(storeUrl, server, now);
  out["store: seeding 7 days of one server (3 databases) and rolling them up (ms)"] = Math.round(performance.now() - t);
  const cases: [string, { range: "1h" | "6h" | "24h" | "7d"; db?: string }][] = [
    ["7 d chart (target < 100)", { range: "7d" }],
    ["7 d chart, one database", { range: "7d", db: "app_1" }],
    ["24 h chart", { range: "24h" }],
    ["6 h chart", { range: "6h" }],
    ["1 h chart", { range: "1h" }],
  ];
  for (const [, q] of cases) await metricSeries(server, q); // warm the store's caches and connections
  // Round-robin, so that the host's changing load weighs on every case alike.
  const times = cases.map(() => [] as number[]);
  const points = cases.map(() => 0);
  for (let i = 0; i < 20; i++) {
    for (const [k, [, q]] of cases.entries()) {
      const t0 = performance.now();
      const r = await metricSeries(server, q);
      times[k]!.push(performance.now() - t0);
      points[k] = r.charts.find((c) => c.id === "tps")!.t.length;
    }
  }
  for (const [k, [label]] of cases.entries()) {
    out[`${label}: server time p50 / max (ms), points per chart`] = `${percentile(times[k]!, 50).toFixed(1)} / ${Math.max(...times[k]!).toFixed(1)}, ${points[k]}`;
  }
  out["store: raw points of one server with 3 databases, per day (MB)"] = +(rawBytes / 7 / 1024 / 1024).toFixed(1);
}

export async function benchMonitoring(opts: { seconds: number }): Promise<Figures> {
  const out: Figures = {};
  const cluster = await startCluster({ major: 18, settings: { max_connections: 400 } });
  try {
    const url = await samplerCost(cluster, out);
    await twoHundredServers(cluster, url, opts.seconds, out);
    await weekChart(cluster, out);
  } finally {
    await closeStore();
    await closeAllPools();
    await cluster.destroy();
  }
  return out;
}
