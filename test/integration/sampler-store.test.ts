// The sampler's read and store on real servers: a sample per interval with its databases, rates
// across a real pg_stat_reset(), an unreachable server recorded down quickly, hourly rollups,
// partition retention, the fleet summary and the Prometheus endpoint.
import net from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { resetEnvCache } from "@/lib/config/env";
import { findServer } from "@/lib/config/servers";
import { freePort } from "@/lib/embedded/cluster";
import type { Collector } from "@/lib/monitoring/collector";
import { coreCollector, forgetCoreCollectorState } from "@/lib/monitoring/collectors/core";
import { databaseSizesCollector } from "@/lib/monitoring/collectors/database-sizes";
import { runCollector } from "@/lib/monitoring/run-collector";
import type { MetricChart, MetricsResponse } from "@/lib/schemas/metrics";
import { dropOldPartitions, ensurePartitions, rollUpHours } from "@/lib/store/metrics";
import { connect, freshDatabase, pgServers, waitFor } from "../helpers/pg";
import { addUser, callRoute, fleetAs, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const DAY_MS = 86_400_000;
const TOKEN = "a-metrics-token-for-the-test-0123";

describe.each(pgServers())("sampler and metric store on PG $major", (s) => {
  const server = `mon${s.major}`;
  const gone = `gone${s.major}`;
  const hung = `hung${s.major}`;
  // Accepts TCP connections and never answers: a server hanging in its startup (or a black hole).
  const silent = net.createServer((socket) => socket.on("error", () => {}));
  const dbName = `sampler_store_${s.major}`;
  let dbUrl: string;
  let st: pg.Client;
  let cookie: string;
  let lastSampleAt = 0;

  const run = (c: Collector, id = server) => runCollector(c, findServer(id)!);
  /** Samples once more, at least a bucket (1 s) after the previous sample. */
  async function sample() {
    await waitFor(async () => Date.now() - lastSampleAt > 1_100, "the next 1 s bucket", 5_000, 20);
    expect(await run(coreCollector)).toBe(true);
    lastSampleAt = Date.now();
  }
  async function commits(): Promise<number> {
    const c = await connect(dbUrl, "sampler-observer");
    try {
      return Number((await c.query(`SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()`)).rows[0].xact_commit);
    } finally {
      await c.end();
    }
  }
  /** n committed transactions in the test database, visible in pg_stat_database before returning. */
  async function traffic(n: number) {
    const before = await commits();
    const c = await connect(dbUrl, "sampler-traffic");
    try {
      for (let i = 0; i < n; i++) await c.query("SELECT 1");
    } finally {
      await c.end();
    }
    await waitFor(async () => (await commits()) >= before + n, `${n} commits visible in pg_stat_database`);
  }
  async function metrics(search: string): Promise<MetricsResponse> {
    const route = await import("@/app/api/servers/[server]/metrics/route");
    const res = await callRoute(route, "GET", `/api/servers/${server}/metrics`, { cookie, params: { server }, search });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json();
  }
  const chart = (m: MetricsResponse, id: string): MetricChart => m.charts.find((c) => c.id === id)!;
  const values = (m: MetricsResponse, id: string, key: string) => chart(m, id).series.find((x) => x.key === key)!.values;

  beforeAll(async () => {
    dbUrl = await freshDatabase(s.url, dbName);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    process.env.PGWARDEN_SAMPLE_INTERVAL_S = "1";
    process.env.PGWARDEN_CONNECT_TIMEOUT_MS = "2000";
    delete process.env.PGWARDEN_METRICS_TOKEN;
    const { storeUrl } = await useTestConsole({
      storeServerUrl: s.url,
      storeName: `sampler_store_st_${s.major}`,
      servers: [
        { id: server, url: dbUrl },
        { id: gone, url: `postgres://nobody:nothing@127.0.0.1:${await freePort()}/postgres` },
        { id: hung, url: `postgres://nobody:nothing@127.0.0.1:${(silent.address() as net.AddressInfo).port}/postgres` },
      ],
    });
    forgetCoreCollectorState();
    // PG ≤ 14's stats collector creates a database's entry (and sets its stats_reset) on the first
    // message from it: a first sample taken before that sees stats_reset NULL, the next one a time,
    // and the interval between them rightly has no rate. Make the entry exist before sample A.
    await traffic(1);
    await addUser("viewer1", "viewer");
    cookie = await signIn("viewer1");
    st = await connect(storeUrl);
  });
  afterAll(async () => {
    await st?.end();
    await teardownTestConsole();
    silent.close();
    delete process.env.PGWARDEN_SAMPLE_INTERVAL_S;
    delete process.env.PGWARDEN_CONNECT_TIMEOUT_MS;
    delete process.env.PGWARDEN_METRICS_TOKEN;
    resetEnvCache();
  });

  test("one sample stores the server point and one point per database, with the version's checkpoint counters", async () => {
    await sample();
    const { rows } = await st.query(`SELECT * FROM metric_server_samples WHERE server = $1`, [server]);
    expect(rows).toHaveLength(1);
    const p = rows[0];
    expect(Math.floor(p.version_num / 10000)).toBe(s.major);
    expect(p.in_recovery).toBe(false);
    expect(p.max_connections).toBe(200);
    expect(Number(p.wal_lsn)).toBeGreaterThan(0);
    expect(p.ckpt_timed).not.toBeNull(); // pg_stat_checkpointer on 18, pg_stat_bgwriter on 14
    expect(p.postmaster_start).toBeInstanceOf(Date);
    const dbs = await st.query(`SELECT datname, xact_commit FROM metric_database_samples WHERE server = $1`, [server]);
    expect(dbs.rows.map((r) => r.datname)).toContain(dbName);
    expect(dbs.rows.map((r) => r.datname)).not.toContain("template1");
    // The server row holds the sums over the databases of the same read.
    expect(Number(p.xact_commit)).toBe(dbs.rows.reduce((n, r) => n + Number(r.xact_commit), 0));
  });

  test("rates across a stats reset: the interval with pg_stat_reset() has no rate, the ones around it do", async () => {
    await traffic(100);
    await sample(); // B
    const c = await connect(dbUrl);
    try {
      const resetBefore = (await c.query(`SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()`)).rows[0].stats_reset;
      await c.query("SELECT pg_stat_reset()");
      await waitFor(async () => {
        const r = (await c.query(`SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()`)).rows[0].stats_reset;
        return r !== null && String(r) !== String(resetBefore);
      }, "pg_stat_reset() visible");
    } finally {
      await c.end();
    }
    await traffic(60);
    await sample(); // C
    await traffic(60);
    await sample(); // D

    // The stored raw counters really went down: a naive difference would be negative.
    const raw = await st.query(`SELECT xact_commit FROM metric_database_samples WHERE server = $1 AND datname = $2 ORDER BY at`, [server, dbName]);
    const commitsAt = raw.rows.map((r) => Number(r.xact_commit));
    expect(commitsAt).toHaveLength(4);
    expect(commitsAt[2]!).toBeLessThan(commitsAt[1]!);

    const m = await metrics(`?range=1h&db=${dbName}`);
    expect(m.database).toBe(dbName);
    expect(chart(m, "tps").scope).toBe("database");
    const tps = values(m, "tps", "commits");
    expect(tps).toHaveLength(4);
    expect(tps[0]).toBeNull(); // nothing before the first sample
    expect(tps[1]).toBeGreaterThan(0); // A→B: 100 commits
    expect(tps[2]).toBeNull(); // B→C: across the reset
    expect(tps[3]).toBeGreaterThan(0); // C→D
    expect(tps[3]).toBeLessThan(10_000);
    expect(values(m, "cache_hit", "cache_hit")[2]).toBeNull();

    // Server-wide sums: the database's reset changes db_epoch, so that interval has no rate either.
    const all = await metrics("?range=1h");
    const serverTps = values(all, "tps", "commits");
    expect(serverTps[2]).toBeNull();
    for (const v of [...serverTps, ...values(all, "rows", "returned")]) if (v !== null) expect(v).toBeGreaterThanOrEqual(0);
    expect(all.databases).toContain(dbName);
    expect(chart(all, "connections").series.find((x) => x.key === "max_connections")!.values.at(-1)).toBe(200);
  });

  test("an unreachable server is given up on quickly and recorded down; the fleet shows both servers", async () => {
    const t0 = Date.now();
    expect(await run(coreCollector, gone)).toBe(false);
    expect(Date.now() - t0).toBeLessThan(2_000 + 1_000);
    const state = (await st.query(`SELECT ok, error_code FROM metric_server_state WHERE server = $1`, [gone])).rows[0];
    expect(state).toEqual({ ok: false, error_code: "unreachable" });

    // Other test files create databases on this server: an interval with one created has no
    // server-wide rate (db_epoch changed), so take fresh samples until an interval without one.
    const body = await waitFor(async () => {
      await traffic(20);
      await sample();
      const f = await fleetAs(cookie);
      return (f.servers.find((x) => x.id === server)?.tps ?? 0) > 0 ? f : null;
    }, "a fleet card with TPS", 30_000, 10);
    const up = body.servers.find((x) => x.id === server)!;
    const down = body.servers.find((x) => x.id === gone)!;
    expect(up).toMatchObject({ status: "up", role: "primary", worstFinding: null, error: null });
    expect(up.version).toMatch(new RegExp(`^${s.major}\\.`));
    expect(up.connections!.max).toBe(200);
    expect(down).toMatchObject({ status: "down", error: { code: "unreachable" }, lastSampleAt: null, tps: null });
    expect(down.downSince).toBeGreaterThanOrEqual(t0 - 1_000);
    // Never a URL, host or password in the answer.
    expect(JSON.stringify(body)).not.toMatch(/nobody|nothing|127\.0\.0\.1/);
  });

  test("a server that accepts the connection but never answers is given up after the connect timeout", async () => {
    const t0 = Date.now();
    expect(await run(coreCollector, hung)).toBe(false);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1_900); // it did wait for the server…
    expect(took).toBeLessThan(2_000 + 1_500); // …but not longer than PGWARDEN_CONNECT_TIMEOUT_MS (2 s here)
    const state = (await st.query(`SELECT ok, error_code FROM metric_server_state WHERE server = $1`, [hung])).rows[0];
    expect(state).toEqual({ ok: false, error_code: "unreachable" });
  });

  test("database sizes every 5 minutes; growth per day needs an hour of history", async () => {
    expect(await run(databaseSizesCollector)).toBe(true);
    const m = await metrics(`?range=1h&db=${dbName}`);
    const sizes = chart(m, "database_sizes");
    expect(sizes.series.map((x) => x.key)).toEqual([dbName]);
    expect(sizes.series[0]!.values.at(-1)).toBeGreaterThan(1_000_000);
    expect(sizes.growth).toEqual([{ database: dbName, sizeBytes: expect.any(Number), bytesPerDay: null }]);
  });

  test("an hourly rollup keeps the hour's last counters and averaged gauges; the 7 d range reads it", async () => {
    const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    await rollUpHours(server, hour, hour + 3_600_000);
    const raw = await st.query(`SELECT count(*)::int AS n, avg(conn_total) AS conns, max(at) AS last_at FROM metric_server_samples WHERE server = $1 AND at >= $2`, [server, new Date(hour)]);
    const h = (await st.query(`SELECT * FROM metric_server_hourly WHERE server = $1`, [server])).rows;
    expect(h).toHaveLength(1);
    expect(h[0].samples).toBe(raw.rows[0].n);
    expect(h[0].last_at.getTime()).toBe(raw.rows[0].last_at.getTime());
    expect(h[0].conn_total).toBeCloseTo(Number(raw.rows[0].conns), 3);
    const last = (await st.query(`SELECT xact_commit FROM metric_server_samples WHERE server = $1 ORDER BY at DESC LIMIT 1`, [server])).rows[0];
    expect(h[0].xact_commit).toBe(last.xact_commit);
    const dbHourly = await st.query(`SELECT datname, samples FROM metric_database_hourly WHERE server = $1 AND datname = $2`, [server, dbName]);
    expect(dbHourly.rows).toEqual([{ datname: dbName, samples: raw.rows[0].n }]);

    const week = await metrics("?range=7d");
    expect(week).toMatchObject({ source: "hourly", stepSeconds: 3600 });
    expect(chart(week, "connections").t).toEqual([hour]);
  });

  test("partitions: created ahead by day, dropped whole past retention", async () => {
    const parts = async () =>
      (await st.query(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'metric_server_hourly'::regclass ORDER BY 1`)).rows.map((r) => r.relname as string);
    const day = (ms: number) => `metric_server_hourly_p${new Date(ms).toISOString().slice(0, 10).replaceAll("-", "")}`;
    const now = Date.now();
    await ensurePartitions(0, now - 20 * DAY_MS, 0); // as if the console had run 20 days ago
    expect(await parts()).toContain(day(now - 20 * DAY_MS));
    expect(await parts()).toContain(day(now + 2 * DAY_MS)); // made ahead by the first sample
    expect(await dropOldPartitions(14)).toBeGreaterThan(0);
    const left = await parts();
    expect(left).not.toContain(day(now - 20 * DAY_MS));
    expect(left).toContain(day(now));
  });

  test("GET /metrics: 404 without a configured token, 401 without the right bearer token, Prometheus text with it", async () => {
    const route = await import("@/app/metrics/route");
    expect((await callRoute(route, "GET", "/metrics", { cookie })).status).toBe(404);
    process.env.PGWARDEN_METRICS_TOKEN = TOKEN;
    resetEnvCache();
    try {
      expect((await callRoute(route, "GET", "/metrics", { cookie })).status).toBe(401); // a session is not enough
      expect((await callRoute(route, "GET", "/metrics", { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
      const res = await callRoute(route, "GET", "/metrics", { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
      const text = await res.text();
      expect(text).toContain(`pgwarden_up{server="${server}"} 1`);
      expect(text).toContain(`pgwarden_up{server="${gone}"} 0`);
      expect(text).toContain(`# TYPE pgwarden_database_xact_commit_total counter`);
      expect(text).toMatch(new RegExp(`pgwarden_database_xact_commit_total\\{server="${server}",database="${dbName}"\\} \\d+`));
      expect(text).toContain(`pgwarden_max_connections{server="${server}"} 200`);
      expect(text).toMatch(new RegExp(`pgwarden_database_size_bytes\\{server="${server}",database="${dbName}"\\} \\d+`));
    } finally {
      delete process.env.PGWARDEN_METRICS_TOKEN;
      resetEnvCache();
    }
  });
  test("the health collector's run is the fleet card's worst finding, on every replica; fixed, it goes", async () => {
    const { healthCollector } = await import("@/lib/monitoring/collectors/health");
    const { invalidateReads } = await import("@/lib/pg/cache");
    const { ALL_KEYS } = await import("@/lib/pg/cache-keys");
    const card = async () => (await fleetAs(cookie)).servers.find((x) => x.id === server)!;
    const c = await connect(dbUrl);
    try {
      await c.query(`CREATE TABLE hc_card (id int PRIMARY KEY)`);
      await c.query(`CREATE SEQUENCE hc_card_seq AS integer OWNED BY hc_card.id`);
      await c.query(`SELECT setval('hc_card_seq', 2100000000)`);
      invalidateReads(ALL_KEYS);
      expect(await run(healthCollector)).toBe(true);
      const stored = await st.query(`SELECT worst_check, critical, failed_checks FROM health_latest WHERE server = $1`, [server]);
      expect(stored.rows).toEqual([{ worst_check: "sequence_exhaustion", critical: expect.any(Number), failed_checks: 0 }]);
      expect(stored.rows[0].critical).toBeGreaterThanOrEqual(1);
      // The card reads the store, not this process's memory: what another replica would show.
      const sick = await card();
      expect(sick.worstFinding).toMatchObject({ severity: "critical", check: "sequence_exhaustion" });
      expect(sick.worstFinding!.title).toContain("hc_card_seq");
      expect(sick.healthFailedChecks).toBe(0);

      await c.query(`DROP TABLE hc_card`);
      invalidateReads(ALL_KEYS);
      expect(await run(healthCollector)).toBe(true);
      const fixed = await card();
      expect(fixed.worstFinding?.check).not.toBe("sequence_exhaustion");
      expect(fixed.healthCheckedAt).toBeGreaterThan(sick.healthCheckedAt!);
    } finally {
      await c.query(`DROP TABLE IF EXISTS hc_card`);
      await c.end();
    }
  });
});
