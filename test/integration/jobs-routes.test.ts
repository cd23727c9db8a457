// Who may queue which maintenance job, what is checked before anything is queued, VACUUM FULL's
// confirmation and preview of the table's users, skipped jobs, and jobs in a non-default database.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stopJobWorker } from "@/lib/jobs/worker";
import type { Job } from "@/lib/schemas/jobs";
import { connect, freshDatabase, pgServers, waitFor, waitForSession, withDatabase } from "../helpers/pg";
import { asRole, ident, oidOf, withClient } from "../helpers/storage-fixtures";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const ROUTES = {
  vacuum: () => import("@/app/api/servers/[server]/jobs/vacuum/route"),
  analyze: () => import("@/app/api/servers/[server]/jobs/analyze/route"),
  reindex: () => import("@/app/api/servers/[server]/jobs/reindex/route"),
  "vacuum-full": () => import("@/app/api/servers/[server]/jobs/vacuum-full/route"),
  "[job]": () => import("@/app/api/servers/[server]/jobs/[job]/route"),
  "[job]/cancel": () => import("@/app/api/servers/[server]/jobs/[job]/cancel/route"),
};
const route = (name: string) => ROUTES[name as keyof typeof ROUTES]();

describe.each(pgServers())("maintenance job routes on PG $major", (s) => {
  const server = `pgr${s.major}`;
  const nobodyServer = `pgr${s.major}-nobody`;
  const dbName = `jobs_routes_${s.major}`;
  const role = `jobs_nobody_${s.major}`;
  let url: string;
  let c: pg.Client;
  let st: pg.Client;
  let relid: number;
  const cookies: Record<string, string> = {};

  async function post(who: string, name: string, body: unknown, srv = server) {
    return callRoute(await route(name), "POST", `/api/servers/${srv}/jobs/${name}`, { cookie: cookies[who], params: { server: srv }, body, search: `?db=${dbName}` });
  }
  async function job(id: number, srv = server): Promise<Job> {
    const res = await callRoute(await route("[job]"), "GET", `/api/servers/${srv}/jobs/${id}`, { cookie: cookies.admin, params: { server: srv, job: String(id) } });
    return (await res.json()).job;
  }
  const finished = (id: number, srv = server) => waitFor(async () => ((await job(id, srv)).state === "done" ? job(id, srv) : null), `job ${id} done`, 60_000, 100);
  const jobCount = async () => Number((await st.query(`SELECT count(*) AS n FROM maintenance_jobs`)).rows[0].n);

  beforeAll(async () => {
    url = await freshDatabase(s.url, dbName);
    await withClient(s.url, async (w) => {
      await w.query(`DROP ROLE IF EXISTS ${ident(role)}`);
      await w.query(`CREATE ROLE ${ident(role)} LOGIN PASSWORD 'nobody-pw'`);
      await w.query(`GRANT CONNECT ON DATABASE ${ident(dbName)} TO ${ident(role)}`);
    });
    await withClient(url, (w) => w.query(`CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, 'n' || g FROM generate_series(1, 1000) g`));
    // The registry's URL names the `postgres` database: jobs must run in ?db=, not there.
    const { storeUrl } = await useTestConsole({
      storeServerUrl: s.url,
      storeName: `jobs_routes_store_${s.major}`,
      servers: [
        { id: server, url: s.url },
        { id: nobodyServer, url: asRole(withDatabase(s.url, "postgres"), role, "nobody-pw") },
      ],
    });
    await addUser("viewer1", "viewer");
    await addUser("op1", "operator");
    await addUser("admin1", "admin");
    for (const u of ["viewer1", "op1", "admin1"]) cookies[u.replace(/1$/, "")] = await signIn(u);
    c = await connect(url);
    st = await connect(storeUrl);
    relid = await oidOf(c, "public", "orders");
  });
  afterAll(async () => {
    await stopJobWorker();
    await c?.end();
    await st?.end();
    await teardownTestConsole();
  });

  test("a viewer cannot queue any job (403, audited as denied, nothing queued); an operator cannot queue VACUUM FULL", async () => {
    await callRoute(await route("[job]"), "GET", `/api/servers/${server}/jobs/1`, { cookie: cookies.admin, params: { server, job: "1" } }); // opens the store
    const before = await jobCount();
    const attempts: [string, unknown][] = [
      ["vacuum", { command: "vacuum_analyze", relids: [relid] }],
      ["analyze", { command: "analyze", relids: [relid] }],
      ["reindex", { command: "reindex_table", relids: [relid] }],
      ["vacuum-full", { command: "vacuum_full", relids: [relid], confirm: "vacuum full" }],
    ];
    for (const [name, body] of attempts) expect((await post("viewer", name, body)).status, name).toBe(403);
    expect((await post("op", "vacuum-full", attempts[3]![1])).status).toBe(403);
    expect(await jobCount()).toBe(before);
    const denied = await st.query(`SELECT action, user_name FROM audit_log WHERE outcome = 'denied' ORDER BY id`);
    expect(denied.rows.filter((r) => r.user_name === "viewer1")).toHaveLength(4);
    expect(denied.rows.some((r) => r.user_name === "op1" && r.action === "vacuum_full")).toBe(true);
    // Nothing reached the monitored database either: the table was never vacuumed.
    expect((await c.query(`SELECT vacuum_count, analyze_count FROM pg_stat_user_tables WHERE relid = $1`, [relid])).rows[0]).toEqual({ vacuum_count: 0, analyze_count: 0 });
  });

  test("a missing relation, a wrong kind, a disallowed option or a missing confirmation queue nothing", async () => {
    const before = await jobCount();
    const missing = await post("op", "vacuum", { command: "vacuum", relids: [relid, 4_000_000_000] });
    expect(missing.status).toBe(404);
    expect((await missing.json()).error.message).toContain("4000000000");
    const wrongKind = await post("op", "reindex", { command: "reindex_index", relids: [relid] });
    expect(wrongKind.status).toBe(400);
    expect((await wrongKind.json()).error.message).toMatch(/not an index/);
    expect((await post("op", "vacuum", { command: "vacuum", relids: [relid], options: { disable_page_skipping: true } })).status).toBe(400);
    expect((await post("op", "vacuum", { command: "vacuum_full", relids: [relid] })).status).toBe(400); // not this route's command
    expect((await post("admin", "vacuum-full", { command: "vacuum_full", relids: [relid] })).status).toBe(400);
    expect((await post("admin", "vacuum-full", { command: "vacuum_full", relids: [relid], confirm: "yes" })).status).toBe(400);
    expect(await jobCount()).toBe(before);
  });

  test("jobs run in the database named by ?db=, not the registry URL's default", async () => {
    const res = await post("op", "analyze", { command: "analyze", relids: [relid] });
    expect(res.status).toBe(200);
    const [queued] = (await res.json()).jobs as Job[];
    expect(queued).toMatchObject({ database: dbName, relation: "public.orders", command: "analyze" });
    const done = await finished(queued!.id);
    expect(done.outcome).toBe("ok");
    expect(done.statement).toBe(`ANALYZE "public"."orders"`);
  });

  test("VACUUM FULL: the preview lists the sessions using the table; with the typed confirmation an admin's job runs", async () => {
    const reader = await connect(url, "jobs-reader");
    try {
      await reader.query(`BEGIN; SELECT count(*) FROM orders`);
      const { pid } = await waitForSession(url, "jobs-reader", { state: "idle in transaction" });
      const preview = await callRoute(await route("vacuum-full"), "GET", `/api/servers/${server}/jobs/vacuum-full`, {
        cookie: cookies.viewer,
        params: { server },
        search: `?db=${dbName}&relid=${relid}`,
      });
      expect(preview.status).toBe(200);
      const body = await preview.json();
      expect(body.relation).toBe("public.orders");
      const user = body.users.find((u: { pid: number }) => u.pid === pid);
      expect(user).toMatchObject({ application: "jobs-reader", state: "idle in transaction", granted: true, console: false });
      expect(user.modes).toContain("AccessShareLock");
    } finally {
      await reader.end();
    }
    const res = await post("admin", "vacuum-full", { command: "vacuum_full", relids: [relid], confirm: "vacuum full", lockTimeoutMs: 2_000 });
    expect(res.status).toBe(200);
    const [queued] = (await res.json()).jobs as Job[];
    const done = await finished(queued!.id);
    expect(done.outcome).toBe("ok");
    expect(done.statement).toBe(`VACUUM (FULL) "public"."orders"`);
    expect(done.user).toBe("admin1");
  });

  test("a job PostgreSQL skips (no permission on the table) is recorded and audited as skipped, not ok", async () => {
    const res = await callRoute(await route("vacuum"), "POST", `/api/servers/${nobodyServer}/jobs/vacuum`, {
      cookie: cookies.op,
      params: { server: nobodyServer },
      body: { command: "vacuum", relids: [relid] },
      search: `?db=${dbName}`,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const [queued] = (await res.json()).jobs as Job[];
    const done = await finished(queued!.id, nobodyServer);
    expect(done.outcome).toBe("skipped");
    expect(done.message).toMatch(/skipping/);
    expect(done.notices[0]).toMatchObject({ severity: "WARNING" });
    const audit = await st.query(`SELECT outcome FROM audit_log WHERE intent_id = (SELECT audit_intent_id FROM maintenance_jobs WHERE id = $1)`, [queued!.id]);
    expect(audit.rows).toEqual([{ outcome: "skipped" }]);
  });

  test("cancelling a job needs the permission that starting it needs: an operator cannot stop an admin's VACUUM FULL (403, audited); the admin can", async () => {
    const reader = await connect(url, "jobs-full-blocker");
    try {
      // A reader holds ACCESS SHARE: the VACUUM FULL waits for its lock, running, until cancelled.
      await reader.query(`BEGIN; SELECT count(*) FROM orders`);
      await waitForSession(url, "jobs-full-blocker", { state: "idle in transaction" });
      const res = await post("admin", "vacuum-full", { command: "vacuum_full", relids: [relid], confirm: "vacuum full", lockTimeoutMs: 60_000 });
      expect(res.status).toBe(200);
      const [queued] = (await res.json()).jobs as Job[];
      await waitFor(async () => ((await job(queued!.id)).progress?.waitingOn.length ?? 0) > 0, "VACUUM FULL waiting for its lock");
      const cancel = await route("[job]/cancel");
      const call = (who: string) =>
        callRoute(cancel, "POST", `/api/servers/${server}/jobs/${queued!.id}/cancel`, { cookie: cookies[who], params: { server, job: String(queued!.id) } });
      const denied = await call("op");
      expect(denied.status).toBe(403);
      expect((await denied.json()).error.message).toMatch(/vacuum_full/);
      expect((await call("viewer")).status).toBe(403); // no cancel at all
      const audit = await st.query(`SELECT user_name, action, outcome FROM audit_log WHERE action = 'cancel_job' AND outcome = 'denied' ORDER BY id`);
      expect(audit.rows).toContainEqual({ user_name: "op1", action: "cancel_job", outcome: "denied" });
      const still = await job(queued!.id);
      expect(still.state).toBe("running");
      expect(still.cancelRequested).toBe(false);
      const ok = await call("admin");
      expect((await ok.json()).outcome).toBe("cancel_sent");
      const done = await finished(queued!.id);
      expect(done.outcome).toBe("cancelled");
    } finally {
      await reader.end();
    }
  });
});
