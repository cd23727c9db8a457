// PgBouncer (Debian's package, transaction mode, pool size 5) in front of PostgreSQL 18 and 14:
// clients queueing under load, stats, clients/servers/config, pool sizing from the server's cores,
// PAUSE/RESUME/RECONNECT (admin, typed confirmation, audited) and every refusal.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { scopePrefix } from "@/lib/pg/cache-keys";
import { invalidateReads } from "@/lib/pg/cache";
import { closeBouncerPools } from "@/lib/pg/pgbouncer/admin";
import type { BouncerActionResponse, BouncerConfigResponse, BouncerConnectionsResponse, PgbouncerResponse } from "@/lib/schemas/pgbouncer";
import type { ReplicationResponse } from "@/lib/schemas/replication";
import { connect, pgServers, waitFor } from "../helpers/pg";
import { showPool, startBouncerFixture, waitingClients, type BouncerFixture } from "../helpers/ops-fixtures/pgbouncer";
import { withClient } from "../helpers/storage-fixtures";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const ROUTES = {
  "": () => import("@/app/api/servers/[server]/pgbouncer/route"),
  clients: () => import("@/app/api/servers/[server]/pgbouncer/clients/route"),
  servers: () => import("@/app/api/servers/[server]/pgbouncer/servers/route"),
  config: () => import("@/app/api/servers/[server]/pgbouncer/config/route"),
  pause: () => import("@/app/api/servers/[server]/pgbouncer/pause/route"),
  resume: () => import("@/app/api/servers/[server]/pgbouncer/resume/route"),
  reconnect: () => import("@/app/api/servers/[server]/pgbouncer/reconnect/route"),
};
type RouteName = keyof typeof ROUTES;
const ACTIONS = ["pause", "resume", "reconnect"] as const;

async function adminShow(url: string, command: string) {
  const c = new pg.Client(url);
  await c.connect();
  try {
    return (await c.query(command)).rows;
  } finally {
    await c.end();
  }
}

describe.each(pgServers())("PgBouncer in front of PG $major", (s) => {
  const bnc = `bnc${s.major}`;
  const bncStats = `bnc${s.major}-stats`;
  const pgId = `pgb${s.major}`;
  let f: BouncerFixture;
  let st: pg.Client;
  const cookies: Record<string, string> = {};

  async function get<T>(name: RouteName, server = bnc, search = ""): Promise<T> {
    invalidateReads(scopePrefix({ server: server }));
    const res = await callRoute(await ROUTES[name](), "GET", `/api/servers/${server}/pgbouncer${name ? `/${name}` : ""}`, { cookie: cookies.viewer, params: { server }, search });
    expect(res.status, `GET ${name} on ${server}`).toBe(200);
    return res.json();
  }
  async function act(who: string, action: (typeof ACTIONS)[number], body: unknown, server = bnc) {
    return callRoute(await ROUTES[action](), "POST", `/api/servers/${server}/pgbouncer/${action}`, { cookie: cookies[who], params: { server }, body });
  }
  const confirm = (action: string) => ({ database: f.database, confirm: `${action} ${f.database}` });
  const paused = async () => Number((await adminShow(f.adminUrl, "SHOW DATABASES")).find((d) => d.name === f.database)?.paused);

  beforeAll(async () => {
    f = await startBouncerFixture(s.url, s.port, `bnc_shop_${s.major}`);
    const servers = [
      { id: pgId, url: s.url, pgbouncer: bnc },
      { id: bnc, kind: "pgbouncer" as const, url: f.adminUrl },
      { id: bncStats, kind: "pgbouncer" as const, url: f.statsUrl },
    ];
    const { storeUrl } = await useTestConsole({ storeServerUrl: s.url, storeName: `pgbouncer_store_${s.major}`, servers });
    await addUser("viewer1", "viewer");
    await addUser("op1", "operator");
    await addUser("admin1", "admin");
    for (const u of ["viewer1", "op1", "admin1"]) cookies[u.replace(/1$/, "")] = await signIn(u);
    st = await connect(storeUrl);
  });
  afterAll(async () => {
    await st?.end();
    await closeBouncerPools();
    await teardownTestConsole();
    await f?.stop();
  });

  test("under load (20 clients, pool size 5) SHOW POOLS shows clients waiting, flagged as a finding; stats, clients, servers and config read", async () => {
    const load = await waitingClients(f, 20, 500, 10);
    try {
      const r = await waitFor(async () => {
        const x = await get<PgbouncerResponse>("");
        const p = x.pools.find((p) => p.database === f.database && p.user === f.app.user);
        return p && p.clWaiting >= 10 && p.maxwaitMs >= 1_000 ? x : null;
      }, "clients waiting over a second", 30_000, 200);
      expect(r.version).toMatch(/^PgBouncer 1\.\d+/);
      const pool = r.pools.find((p) => p.database === f.database)!;
      expect(pool.svActive + pool.svIdle + pool.svUsed).toBeLessThanOrEqual(5);
      expect(pool.clActive + pool.clWaiting).toBe(20);
      expect(pool.poolMode).toBe("transaction");
      const finding = r.findings.find((x) => x.id === `clients_waiting:${f.database}:${f.app.user}`)!;
      expect(["warning", "critical"]).toContain(finding.severity);
      expect(finding.evidence[0]).toMatch(/cl_waiting \d+/);

      const stats = await waitFor(async () => {
        const x = (await get<PgbouncerResponse>("")).stats.find((d) => d.database === f.database);
        return x && x.xactPerSecond > 0 && x.totalXactCount > 0 ? x : null;
      }, "transactions per second in SHOW STATS", 30_000, 500);
      expect(stats.avgXactTimeUs).toBeGreaterThan(0);
      expect(stats.totalReceivedBytes).toBeGreaterThan(0);

      // One read is one instant of a moving queue: poll until it shows the shape, then check it.
      const clients = await waitFor(async () => {
        const x = await get<BouncerConnectionsResponse>("clients", bnc, `?database=${f.database}`);
        return x.rows.filter((c) => c.state === "waiting").length >= 5 ? x : null;
      }, "waiting clients in SHOW CLIENTS", 15_000, 200);
      expect(clients.total).toBe(20);
      expect(clients.rows[0]!.waitMs).toBe(Math.max(...clients.rows.map((c) => c.waitMs ?? 0)));
      const own = await get<BouncerConnectionsResponse>("clients", bnc, "?database=pgbouncer");
      expect(own.rows.some((c) => c.console)).toBe(true);

      const servers = await waitFor(async () => {
        const x = await get<BouncerConnectionsResponse>("servers", bnc, `?database=${f.database}`);
        return x.rows.filter((c) => c.state === "active").length === 5 ? x : null;
      }, "five active server connections in SHOW SERVERS", 15_000, 200);
      expect(servers.total).toBe(5); // never more than the pool size
      expect(servers.rows.every((c) => (c.remotePid ?? 0) > 0)).toBe(true);

      const config = await get<BouncerConfigResponse>("config");
      expect(config.settings.find((x) => x.key === "default_pool_size")?.value).toBe("5");
      expect(config.settings.find((x) => x.key === "pool_mode")?.value).toBe("transaction");
    } finally {
      await load.stop();
    }
    const calm = await get<PgbouncerResponse>("");
    expect(calm.findings.filter((x) => x.check === "clients_waiting")).toEqual([]);
  });

  test("pool sizing advice from the fronted server's cores; the two entries link each other", async () => {
    const r = await get<PgbouncerResponse>("");
    expect(r.fronts).toEqual([{ id: pgId, name: pgId }]);
    const advice = r.sizing[0]!;
    const cores = await withClient(s.url, async (c) => (String((await c.query(`SELECT pg_read_file('/proc/cpuinfo') AS t`)).rows[0].t).match(/^processor\s*:/gm) ?? []).length);
    expect(advice).toMatchObject({ server: { id: pgId }, cores, coresSource: "server", recommendedActive: cores * 2 + 1, configuredMax: 5, postgresLimit: 197, needed: null });
    expect(advice.advice[0]).toContain(`${cores} × 2 + 1`);

    const unnamed = await get<PgbouncerResponse>("", bncStats);
    expect(unnamed.fronts).toEqual([]);
    expect(unnamed.sizing[0]!.needed).toMatch(/"pgbouncer": "<this id>"/);

    const rep = await callRoute(await import("@/app/api/servers/[server]/replication/route"), "GET", `/api/servers/${pgId}/replication`, { cookie: cookies.viewer, params: { server: pgId } });
    expect(((await rep.json()) as ReplicationResponse).links.pgbouncer).toEqual({ id: bnc, name: bnc });
    const list = await callRoute(await import("@/app/api/servers/route"), "GET", "/api/servers", { cookie: cookies.viewer });
    expect((await list.json()).servers).toEqual(
      expect.arrayContaining([
        { id: pgId, name: pgId, kind: "postgres", pgbouncer: bnc },
        { id: bnc, name: bnc, kind: "pgbouncer", pgbouncer: null },
      ]),
    );
  });

  test("PAUSE holds new transactions in PgBouncer until RESUME; both are audited (intent and outcome)", async () => {
    const res = await act("admin", "pause", confirm("pause"));
    expect(res.status).toBe(200);
    expect((await res.json()) as BouncerActionResponse).toMatchObject({ action: "pause", outcome: "ok", paused: true });
    expect(await paused()).toBe(1);
    expect((await get<PgbouncerResponse>("")).findings.map((x) => x.id)).toContain(`database_paused:${f.database}`);

    const client = await connect(f.appUrl, "pgwarden-test-paused");
    try {
      let answered = false;
      const q = client.query("SELECT 1").then(() => (answered = true));
      await waitFor(async () => Number((await showPool(f.adminUrl, f.database))?.cl_waiting) >= 1, "a client queued behind the pause");
      expect(answered).toBe(false);

      const resumed = await act("admin", "resume", confirm("resume"));
      expect((await resumed.json()) as BouncerActionResponse).toMatchObject({ action: "resume", outcome: "ok", paused: false });
      await q;
      expect(answered).toBe(true);
    } finally {
      await client.end();
    }
    expect(await paused()).toBe(0);

    const audit = await st.query(
      `SELECT kind, action, database, target_name, outcome, user_name, params->>'command' AS command FROM audit_log WHERE server = $1 AND action LIKE 'pgbouncer_%' ORDER BY id`,
      [bnc],
    );
    const quoted = `"${f.database}"`;
    expect(audit.rows).toEqual([
      { kind: "intent", action: "pgbouncer_pause", database: f.database, target_name: f.database, outcome: null, user_name: "admin1", command: `PAUSE ${quoted}` },
      { kind: "outcome", action: "pgbouncer_pause", database: f.database, target_name: f.database, outcome: "ok", user_name: "admin1", command: `PAUSE ${quoted}` },
      { kind: "intent", action: "pgbouncer_resume", database: f.database, target_name: f.database, outcome: null, user_name: "admin1", command: `RESUME ${quoted}` },
      { kind: "outcome", action: "pgbouncer_resume", database: f.database, target_name: f.database, outcome: "ok", user_name: "admin1", command: `RESUME ${quoted}` },
    ]);
  });

  test("PAUSE behind an open transaction: reported as paused while PgBouncer waits for it, not as a failure; RESUME ends it", async () => {
    const holder = await connect(f.appUrl, "pgwarden-test-holder");
    try {
      await holder.query("BEGIN; SELECT 1"); // holds a server connection until COMMIT (transaction mode)
      const started = Date.now();
      const res = await act("admin", "pause", confirm("pause"));
      const body = (await res.json()) as BouncerActionResponse;
      expect(body).toMatchObject({ action: "pause", outcome: "ok", paused: true });
      expect(body.message).toMatch(/Transactions already running/);
      expect(Date.now() - started).toBeLessThan(15_000); // the console's timeout, not the transaction, ends the wait
      expect(await paused()).toBe(1);
      const outcome = await st.query(`SELECT outcome FROM audit_log WHERE kind = 'outcome' AND action = 'pgbouncer_pause' ORDER BY id DESC LIMIT 1`);
      expect(outcome.rows[0].outcome).toBe("ok");
      await holder.query("COMMIT");
    } finally {
      const resumed = await act("admin", "resume", confirm("resume"));
      expect(((await resumed.json()) as BouncerActionResponse).outcome).toBe("ok");
      await holder.end();
    }
    expect(await paused()).toBe(0);
  });

  test("RECONNECT replaces the server connections once they are released", async () => {
    await withClient(f.appUrl, (c) => c.query("SELECT 1"));
    const before = (await adminShow(f.adminUrl, "SHOW SERVERS")).filter((x) => x.database === f.database).map((x) => Number(x.remote_pid));
    expect(before.length).toBeGreaterThan(0);
    const res = await act("admin", "reconnect", confirm("reconnect"));
    expect((await res.json()) as BouncerActionResponse).toMatchObject({ action: "reconnect", outcome: "ok" });
    const pid = await withClient(f.appUrl, async (c) => Number((await c.query("SELECT pg_backend_pid() AS pid")).rows[0].pid));
    expect(before).not.toContain(pid);
  });

  test("refused: viewers and operators (403, audited as denied), unknown or admin databases (404, nothing sent), a wrong confirmation (400), a stats-only PgBouncer user (not permitted)", async () => {
    const before = await st.query(`SELECT count(*)::int AS n FROM audit_log WHERE kind = 'intent'`);
    for (const who of ["viewer", "op"]) {
      for (const action of ACTIONS) expect((await act(who, action, confirm(action))).status, `${who} ${action}`).toBe(403);
    }
    const denied = await st.query(`SELECT user_name, action FROM audit_log WHERE outcome = 'denied' AND server = $1`, [bnc]);
    expect(denied.rows).toHaveLength(6);

    const unknown = await act("admin", "pause", { database: "no_such_db", confirm: "pause no_such_db" });
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).error.message).toMatch(/SHOW DATABASES/);
    expect((await act("admin", "pause", { database: "pgbouncer", confirm: "pause pgbouncer" })).status).toBe(404);
    expect((await act("admin", "pause", { database: f.database, confirm: "pause" })).status).toBe(400);
    expect((await act("admin", "pause", { database: f.database, confirm: `resume ${f.database}` })).status).toBe(400);
    const after = await st.query(`SELECT count(*)::int AS n FROM audit_log WHERE kind = 'intent'`);
    expect(after.rows[0].n).toBe(before.rows[0].n); // nothing was attempted
    expect(await paused()).toBe(0);

    const stats = await act("admin", "pause", confirm("pause"), bncStats);
    expect(stats.status).toBe(200);
    const body = (await stats.json()) as BouncerActionResponse;
    expect(body).toMatchObject({ outcome: "not_permitted", paused: false });
    expect(body.message).toMatch(/admin_users/);
    expect(await paused()).toBe(0);
    // The stats user still reads everything.
    expect((await get<PgbouncerResponse>("", bncStats)).pools.length).toBeGreaterThan(0);
  });

  test("a PgBouncer id on a PostgreSQL route, and a PostgreSQL id on a PgBouncer route, are unknown (404)", async () => {
    const rep = await callRoute(await import("@/app/api/servers/[server]/replication/route"), "GET", `/api/servers/${bnc}/replication`, { cookie: cookies.viewer, params: { server: bnc } });
    expect(rep.status).toBe(404);
    const pools = await callRoute(await ROUTES[""](), "GET", `/api/servers/${pgId}/pgbouncer`, { cookie: cookies.viewer, params: { server: pgId } });
    expect(pools.status).toBe(404);
  });
});
