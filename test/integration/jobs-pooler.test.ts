// Maintenance jobs with a real PgBouncer (transaction pooling) in front of PostgreSQL 18 and 14:
// reads go through it, jobs never do (directUrl, or refused with the fix), no job setting is left
// on a pooled server connection, and cancelling a job stops the VACUUM and nothing else.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stopJobWorker } from "@/lib/jobs/worker";
import type { Job } from "@/lib/schemas/jobs";
import type { ServerInfoResponse } from "@/lib/schemas/server-info";
import { connect, freshDatabase, pgServers, waitFor } from "../helpers/pg";
import { startPgBouncer, type PgBouncer } from "../helpers/pgbouncer";
import { ident, oidOf, tableWithDeadRows, withClient } from "../helpers/storage-fixtures";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const POOL_SIZE = 3;
const routes = {
  vacuum: () => import("@/app/api/servers/[server]/jobs/vacuum/route"),
  analyze: () => import("@/app/api/servers/[server]/jobs/analyze/route"),
  job: () => import("@/app/api/servers/[server]/jobs/[job]/route"),
  cancel: () => import("@/app/api/servers/[server]/jobs/[job]/cancel/route"),
  info: () => import("@/app/api/servers/[server]/server-info/route"),
  tables: () => import("@/app/api/servers/[server]/tables/route"),
  activity: () => import("@/app/api/servers/[server]/activity/route"),
};

describe.each(pgServers())("jobs behind PgBouncer on PG $major", (s) => {
  const dbName = `jobs_pooler_${s.major}`;
  const ids = { pooled: `bnc${s.major}`, noDirect: `bnc${s.major}-nodirect`, detected: `bnc${s.major}-detected`, direct: `bnc${s.major}-direct` };
  let url: string;
  let bouncer: PgBouncer;
  let bouncedUrl: string;
  let c: pg.Client;
  let st: pg.Client;
  let cookie: string;

  const get = async (name: keyof typeof routes, server: string, params: Record<string, string> = {}, search = "") =>
    callRoute(await routes[name](), "GET", `/api/servers/${server}/${name}`, { cookie, params: { server, ...params }, search });
  const post = async (name: "vacuum" | "analyze", server: string, body: unknown) =>
    callRoute(await routes[name](), "POST", `/api/servers/${server}/jobs/${name}`, { cookie, params: { server }, body, search: `?db=${dbName}` });
  const job = async (server: string, id: number): Promise<Job> => (await (await get("job", server, { job: String(id) })).json()).job;
  const finished = (server: string, id: number) =>
    waitFor(async () => ((await job(server, id)).state === "done" ? job(server, id) : null), `job ${id} done`, 60_000, 100);
  const jobCount = async () => Number((await st.query(`SELECT count(*) AS n FROM maintenance_jobs`)).rows[0].n);

  /**
   * lock_timeout and statement_timeout on every server connection of the console's pool in the
   * bouncer: as many clients as the pool has connections, each holding one in a transaction.
   */
  async function serverConnectionSettings(): Promise<{ pid: number; lock_timeout: string; statement_timeout: string }[]> {
    const clients = await Promise.all(Array.from({ length: POOL_SIZE }, () => connect(bouncedUrl, "pooler-check")));
    try {
      const out = [];
      for (const cl of clients) {
        await cl.query("BEGIN");
        const { rows } = await cl.query(
          `SELECT pg_backend_pid() AS pid, current_setting('lock_timeout') AS lock_timeout, current_setting('statement_timeout') AS statement_timeout`,
        );
        out.push(rows[0]);
      }
      for (const cl of clients) await cl.query("COMMIT");
      return out;
    } finally {
      await Promise.all(clients.map((cl) => cl.end()));
    }
  }

  beforeAll(async () => {
    url = await freshDatabase(s.url, dbName);
    bouncer = await startPgBouncer({
      upstream: { port: s.port },
      superuserUrl: s.url,
      users: ["postgres"],
      poolSize: POOL_SIZE,
      admin: { user: "pgb_admin", password: "pgb-admin-pw" },
    });
    bouncedUrl = bouncer.url("postgres", "postgres", dbName);
    const { storeUrl } = await useTestConsole({
      storeServerUrl: s.url,
      storeName: `jobs_pooler_store_${s.major}`,
      servers: [
        { id: ids.pooled, url: bouncedUrl, pooler: "pgbouncer", directUrl: url },
        { id: ids.noDirect, url: bouncedUrl, pooler: "pgbouncer" },
        { id: ids.detected, url: bouncedUrl },
        { id: ids.direct, url },
      ],
    });
    await addUser("op", "operator");
    cookie = await signIn("op");
    c = await connect(url);
    st = await connect(storeUrl);
    await tableWithDeadRows(url, "big", { rows: 60_000, deleteEvery: 2, width: 120 });
    await withClient(url, async (w) => {
      for (let i = 1; i <= 5; i++) await w.query(`CREATE TABLE ${ident(`t${i}`)} (id int PRIMARY KEY, v text); INSERT INTO ${ident(`t${i}`)} SELECT g, 'v' FROM generate_series(1, 200) g`);
    });
  });
  afterAll(async () => {
    await stopJobWorker();
    await withClient(url, (w) => w.query(`ALTER DATABASE ${ident(dbName)} RESET ALL`)).catch(() => {});
    await c?.end();
    await st?.end();
    await teardownTestConsole();
    await bouncer?.stop();
  });

  test("the Server page tells a transaction pooler from a direct connection; reads work through it; without directUrl jobs are refused with the fix", async () => {
    const info = async (id: string): Promise<ServerInfoResponse> => {
      const res = await get("info", id);
      expect(res.status, await res.clone().text()).toBe(200);
      return res.json();
    };
    const [pooled, noDirect, detected, direct] = [await info(ids.pooled), await info(ids.noDirect), await info(ids.detected), await info(ids.direct)];
    expect(detected.pooler).toMatchObject({ declared: null, detected: "transaction", directUrl: false, jobs: { ok: false, via: null } });
    expect(detected.pooler.jobs.reason).toMatch(/transaction pooler/);
    expect(detected.pooler.jobs.fix).toMatch(/"directUrl"/);
    expect(noDirect.pooler).toMatchObject({ declared: "pgbouncer", detected: "transaction", jobs: { ok: false } });
    expect(noDirect.pooler.jobs.reason).toMatch(/PgBouncer/);
    expect(pooled.pooler).toMatchObject({ declared: "pgbouncer", detected: "transaction", directUrl: true, directDetected: "none", jobs: { ok: true, via: "directUrl" } });
    expect(direct.pooler).toMatchObject({ declared: null, detected: "none", jobs: { ok: true, via: "url" } });
    // The URL itself never reaches the browser.
    expect(JSON.stringify(pooled)).not.toContain(String(s.port));

    // Reads through the bouncer (SET LOCAL in each transaction): tables and activity answer.
    const tables = await get("tables", ids.detected, {}, "?q=big");
    expect(tables.status, await tables.clone().text()).toBe(200);
    expect((await tables.json()).rows.map((r: { name: string }) => r.name)).toContain("big");
    expect((await get("activity", ids.noDirect)).status).toBe(200);

    const before = await jobCount();
    for (const id of [ids.noDirect, ids.detected]) {
      const res = await post("vacuum", id, { command: "vacuum", relids: [await oidOf(c, "public", "t1")] });
      expect(res.status, id).toBe(409);
      const body = await res.json();
      expect(body.error.code).toBe("needs_direct_connection");
      expect(body.error.message).toMatch(/Add "directUrl": "postgres:\/\/…"/);
      expect(body.error.message).toMatch(/Nothing was queued/);
    }
    expect(await jobCount()).toBe(before);
  });

  test("20 jobs through a PgBouncer-fronted entry with directUrl leave every pooled server connection's lock_timeout and statement_timeout at their defaults", async () => {
    const defaults = (await c.query(`SELECT current_setting('lock_timeout') AS l, current_setting('statement_timeout') AS s`)).rows[0];
    const queued: Job[] = [];
    for (let i = 0; i < 20; i++) {
      const relid = await oidOf(c, "public", `t${(i % 5) + 1}`);
      const name = i % 2 ? "analyze" : "vacuum";
      const res = await post(name, ids.pooled, { command: name === "vacuum" ? "vacuum_analyze" : "analyze", relids: [relid], lockTimeoutMs: 7777 });
      expect(res.status, await res.clone().text()).toBe(200);
      queued.push(...(await res.json()).jobs);
      // Reads through the bouncer meanwhile, so its server connections are in use between jobs.
      expect((await get("tables", ids.pooled, {}, `?db=${dbName}`)).status).toBe(200);
    }
    const done = await Promise.all(queued.map((j) => finished(ids.pooled, j.id)));
    expect(done.map((j) => j.outcome)).toEqual(Array(20).fill("ok"));

    const servers = await bouncer.console<{ database: string; user: string; remote_pid: number }>("SHOW SERVERS");
    const pooledPids = servers.filter((x) => x.database === dbName).map((x) => Number(x.remote_pid));
    expect(pooledPids.length).toBeGreaterThan(0);
    // The jobs ran on their own direct connections, never on one of the bouncer's.
    for (const j of done) expect(pooledPids).not.toContain(j.pid);
    const settings = await serverConnectionSettings();
    expect(new Set(settings.map((x) => x.pid)).size).toBe(POOL_SIZE);
    for (const pid of pooledPids) expect(settings.map((x) => x.pid)).toContain(pid); // every server connection was checked
    for (const x of settings) expect({ lock_timeout: x.lock_timeout, statement_timeout: x.statement_timeout }).toEqual({ lock_timeout: defaults.l, statement_timeout: defaults.s });

    // The check does see a leak when there is one: a session-level SET through the bouncer stays
    // on the server connection for the next client (then those connections are dropped).
    await withClient(bouncedUrl, (leak) => leak.query(`SET lock_timeout = '7777ms'`));
    expect((await serverConnectionSettings()).map((x) => x.lock_timeout)).toContain("7777ms");
    await bouncer.console(`RECONNECT ${dbName}`);
    await waitFor(async () => !(await serverConnectionSettings()).some((x) => x.lock_timeout === "7777ms"), "leaked setting gone after RECONNECT");
  });

  test("cancelling a running job stops its VACUUM and nothing else: an application's pg_sleep through the bouncer completes normally", async () => {
    await withClient(url, (w) => w.query(`ALTER DATABASE ${ident(dbName)} SET vacuum_cost_delay = '20ms'; ALTER DATABASE ${ident(dbName)} SET vacuum_cost_limit = 1`));
    const res = await post("vacuum", ids.pooled, { command: "vacuum", relids: [await oidOf(c, "public", "big")] });
    const [queued] = (await res.json()).jobs as Job[];
    const running = await waitFor(async () => {
      const j = await job(ids.pooled, queued!.id);
      return j.progress?.command === "vacuum" && j.progress.running ? j : null;
    }, "the VACUUM running with progress");

    // The application, through the same bouncer and pool, sleeps on one of its server connections.
    const app = await connect(bouncedUrl, "pooler-app");
    try {
      const sleeping = app.query(`SELECT pg_sleep(3) AS slept`).then(
        (r) => ({ ok: r.rows.length === 1 }),
        (error: Error & { code?: string }) => ({ ok: false, error }),
      );
      const appPid = await waitFor(async () => {
        const { rows } = await c.query(`SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query = 'SELECT pg_sleep(3) AS slept'`);
        return rows[0]?.pid as number | undefined;
      }, "the application's sleep running");
      expect(appPid).not.toBe(running.pid);

      const cancel = await callRoute(await routes.cancel(), "POST", `/api/servers/${ids.pooled}/jobs/${queued!.id}/cancel`, {
        cookie,
        params: { server: ids.pooled, job: String(queued!.id) },
      });
      expect((await cancel.json()).outcome).toBe("cancel_sent");
      const done = await finished(ids.pooled, queued!.id);
      expect(done.outcome).toBe("cancelled");
      expect(done.sqlstate).toBe("57014");
      expect((await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE $1 AND state = 'active'`, [`${done.tag} %`])).rows[0].n).toBe(0);
      // The application's statement was not touched: it is still running, then completes.
      expect((await c.query(`SELECT state FROM pg_stat_activity WHERE pid = $1`, [appPid])).rows[0]?.state).toBe("active");
      expect(await sleeping).toEqual({ ok: true });
    } finally {
      await app.end();
      await withClient(url, (w) => w.query(`ALTER DATABASE ${ident(dbName)} RESET ALL`));
    }
  });

  test("a job runs in the database of ?db= on the directUrl's server, not the database its path names", async () => {
    const other = await freshDatabase(s.url, `${dbName}_other`);
    await withClient(other, (w) => w.query(`CREATE TABLE elsewhere (id int)`));
    const relid = await withClient(other, (w) => oidOf(w, "public", "elsewhere"));
    const res = await callRoute(await routes.analyze(), "POST", `/api/servers/${ids.pooled}/jobs/analyze`, {
      cookie,
      params: { server: ids.pooled },
      body: { command: "analyze", relids: [relid] },
      search: `?db=${dbName}_other`,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const done = await finished(ids.pooled, (await res.json()).jobs[0].id);
    expect(done).toMatchObject({ outcome: "ok", database: `${dbName}_other`, statement: `ANALYZE "public"."elsewhere"` });
  });
});
