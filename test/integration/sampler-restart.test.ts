// Rates across a real server restart: PostgreSQL 15+ keeps its counters over a clean restart, so
// only the changed postmaster start tells the interval apart (it spans the downtime); 14 starts
// its counters from zero. Either way that interval has no rate, and the server is recorded down
// while stopped and up again after. Each version gets a cluster of its own to stop.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { findServer } from "@/lib/config/servers";
import { startCluster, type Cluster, type Major } from "@/lib/embedded/cluster";
import { coreCollector, forgetCoreCollectorState } from "@/lib/monitoring/collectors/core";
import { runCollector } from "@/lib/monitoring/run-collector";
import type { MetricsResponse } from "@/lib/schemas/metrics";
import { resetEnvCache } from "@/lib/config/env";
import { connect, pgServers, waitFor } from "../helpers/pg";
import { addUser, callRoute, fleetAs, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

describe.each(pgServers())("sampler across a restart of PG $major", (s) => {
  const server = `restart${s.major}`;
  let cluster: Cluster;
  let st: pg.Client;
  let cookie: string;
  let last = 0;

  async function sample(expectOk = true) {
    await waitFor(async () => Date.now() - last > 1_100, "the next 1 s bucket", 5_000, 20);
    expect(await runCollector(coreCollector, findServer(server)!)).toBe(expectOk);
    last = Date.now();
  }
  async function traffic(n: number) {
    const c = await connect(cluster.url());
    try {
      for (let i = 0; i < n; i++) await c.query("SELECT 1");
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    cluster = await startCluster({ major: s.major as Major });
    process.env.PGWARDEN_SAMPLE_INTERVAL_S = "1";
    const { storeUrl } = await useTestConsole({ storeServerUrl: s.url, storeName: `sampler_restart_st_${s.major}`, servers: [{ id: server, url: cluster.url() }] });
    forgetCoreCollectorState();
    await addUser("viewer1", "viewer");
    cookie = await signIn("viewer1");
    st = await connect(storeUrl);
  });
  afterAll(async () => {
    await st?.end();
    await teardownTestConsole();
    await cluster?.destroy();
    delete process.env.PGWARDEN_SAMPLE_INTERVAL_S;
    resetEnvCache();
  });

  test("the interval spanning the restart has no rate; down while stopped, up after", async () => {
    await sample(); // A
    await traffic(50);
    await sample(); // B
    await cluster.stop();
    await sample(false); // refused while stopped
    const down = (await st.query(`SELECT ok, error_code FROM metric_server_state WHERE server = $1`, [server])).rows[0];
    expect(down).toEqual({ ok: false, error_code: "unreachable" });
    await cluster.restart();
    await waitFor(async () => runCollector(coreCollector, findServer(server)!), "a sample after the restart", 30_000, 200); // C
    last = Date.now();
    await traffic(50);
    await sample(); // D

    const starts = (await st.query(`SELECT DISTINCT postmaster_start FROM metric_server_samples WHERE server = $1`, [server])).rows;
    expect(starts).toHaveLength(2);
    const route = await import("@/app/api/servers/[server]/metrics/route");
    const res = await callRoute(route, "GET", `/api/servers/${server}/metrics`, { cookie, params: { server }, search: "?range=1h" });
    const m = (await res.json()) as MetricsResponse;
    const tps = m.charts.find((c) => c.id === "tps")!.series.find((x) => x.key === "commits")!.values;
    const wal = m.charts.find((c) => c.id === "wal")!.series[0]!.values;
    expect(tps).toHaveLength(4);
    expect(tps[1]).toBeGreaterThan(0); // A→B
    expect(tps[2]).toBeNull(); // B→C spans the restart
    expect(wal[2]).toBeNull();
    expect(tps[3]).toBeGreaterThan(0); // C→D

    const body = await fleetAs(cookie);
    expect(body.servers[0]).toMatchObject({ id: server, status: "up", error: null, downSince: null });
    expect(body.servers[0]!.tps).toBeGreaterThan(0);
  });
});
