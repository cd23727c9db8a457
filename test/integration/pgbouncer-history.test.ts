// PgBouncer pool history (issue 14): the sampler stores SHOW POOLS of each "kind": "pgbouncer"
// entry in metric_pgbouncer_pools; clients made to wait (20 clients, pool size 5) show up in the
// stored points and in the history API the PgBouncer page charts. PgBouncer in front of PG 18 and 14.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { resetEnvCache } from "@/lib/config/env";
import { findPgbouncer } from "@/lib/config/servers";
import { pgbouncerPoolsCollector } from "@/lib/monitoring/collectors/pgbouncer-pools";
import type { AnyCollector } from "@/lib/monitoring/collector";
import { ensureSampler, stopSampler } from "@/lib/monitoring/sampler";
import { runCollector } from "@/lib/monitoring/run-collector";
import { scopePrefix } from "@/lib/pg/cache-keys";
import { invalidateReads } from "@/lib/pg/cache";
import { closeBouncerPools } from "@/lib/pg/pgbouncer/admin";
import type { PoolHistoryResponse } from "@/lib/schemas/pgbouncer";
import { connect, pgServers, waitFor } from "../helpers/pg";
import { startBouncerFixture, waitingClients, type BouncerFixture } from "../helpers/ops-fixtures/pgbouncer";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const collector = pgbouncerPoolsCollector as AnyCollector;

describe.each(pgServers())("PgBouncer pool history in front of PG $major", (s) => {
  const bnc = `bnh${s.major}`;
  const pgId = `pgh${s.major}`;
  let f: BouncerFixture;
  let st: pg.Client;
  let cookie: string;

  /** One collector run on a fresh SHOW POOLS (not a read another test's poll left in the cache). */
  async function sampleNow() {
    invalidateReads(scopePrefix({ server: bnc }));
    expect(await runCollector(collector, findPgbouncer(bnc)!)).toBe(true);
  }
  async function history(server = bnc, range = "1h") {
    const route = await import("@/app/api/servers/[server]/pgbouncer/history/route");
    return callRoute(route, "GET", `/api/servers/${server}/pgbouncer/history`, { cookie, params: { server }, search: `?range=${range}` });
  }
  const stored = async () =>
    (
      await st.query(`SELECT at, cl_waiting, maxwait_ms, sv_active, pool_mode FROM metric_pgbouncer_pools WHERE server = $1 AND database = $2 ORDER BY at`, [
        bnc,
        f.database,
      ])
    ).rows;

  beforeAll(async () => {
    f = await startBouncerFixture(s.url, s.port, `bnh_shop_${s.major}`);
    process.env.PGWARDEN_SAMPLE_INTERVAL_S = "1";
    const { storeUrl } = await useTestConsole({
      storeServerUrl: s.url,
      storeName: `pool_history_store_${s.major}`,
      servers: [
        { id: pgId, url: s.url, pgbouncer: bnc },
        { id: bnc, kind: "pgbouncer", url: f.statsUrl },
      ],
    });
    await addUser("viewer1", "viewer");
    cookie = await signIn("viewer1");
    st = await connect(storeUrl);
  });
  afterAll(async () => {
    await stopSampler();
    await st?.end();
    await closeBouncerPools();
    await teardownTestConsole();
    await f?.stop();
    delete process.env.PGWARDEN_SAMPLE_INTERVAL_S;
    resetEnvCache();
  });

  test("an idle pool is stored with nobody waiting; clients made to wait show up in the stored history and the history API", async () => {
    // A connection through the bouncer makes the pool exist (SHOW POOLS lists pools, not databases).
    const c = await connect(f.appUrl, "pool-history-probe");
    await c.query("SELECT 1");
    await c.end();
    await sampleNow();
    const idle = await stored();
    expect(idle).toHaveLength(1);
    expect(idle[0].cl_waiting).toBe(0);
    expect(idle[0].pool_mode).toBe("transaction");

    const load = await waitingClients(f, 20, 500, 10);
    try {
      await waitFor(async () => Date.now() - idle[0].at.getTime() > 1_100, "the next interval", 5_000, 20);
      await sampleNow();
    } finally {
      await load.stop();
    }
    const busy = (await stored()).at(-1)!;
    expect(busy.cl_waiting).toBeGreaterThanOrEqual(10);
    expect(busy.maxwait_ms).toBeGreaterThan(0);
    // The pool (size 5, no reserve) serves at most 5 at once. Not cl_active: PgBouncer counts a
    // client idle between two transactions as active, so that one exceeds 5 when the load lags.
    expect(busy.sv_active).toBeGreaterThanOrEqual(1);
    expect(busy.sv_active).toBeLessThanOrEqual(5);

    const res = await history();
    expect(res.status, await res.clone().text()).toBe(200);
    const h: PoolHistoryResponse = await res.json();
    expect(h.stepS).toBe(1);
    const pool = h.pools.find((p) => p.database === f.database && p.user === f.app.user)!;
    expect(pool, "the pool's series").toBeDefined();
    expect(pool.waiting).toHaveLength(h.t.length);
    // The peak of the load is in the series, after the idle point.
    expect(Math.max(...pool.waiting.map((v) => v ?? 0))).toBeGreaterThanOrEqual(10);
    expect(pool.waiting.find((v) => v !== null)).toBe(0);
    expect(Math.max(...pool.maxwaitMs.map((v) => v ?? 0))).toBeGreaterThan(0);
  });

  test("the history route is for PgBouncer entries only and checks its range", async () => {
    expect((await history(pgId)).status).toBe(404);
    expect((await history(bnc, "7d")).status).toBe(400);
  });

  test("the sampler samples PgBouncer entries by itself (they are leased like servers)", async () => {
    const before = (await stored()).length;
    ensureSampler({ collectors: [collector] });
    await waitFor(async () => (await stored()).length > before, "a pool point stored by the sampler", 20_000, 100);
    await stopSampler();
  });
});
