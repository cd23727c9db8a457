// Maintenance jobs through their routes, on real PostgreSQL 18 and 14: one job per database at a
// time, live progress, history rows with notices, lock timeouts, cancel and audit (dead owners: jobs-orphans.test.ts).
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stopJobWorker } from "@/lib/jobs/worker";
import type { Job } from "@/lib/schemas/jobs";
import { connect, freshDatabase, pgServers, waitFor, waitForSession } from "../helpers/pg";
import { ident, oidOf, tableWithDeadRows, throttleVacuum, waitForTableStats, withClient } from "../helpers/storage-fixtures";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const jobsRoute = () => import("@/app/api/servers/[server]/jobs/route");
const vacuumRoute = () => import("@/app/api/servers/[server]/jobs/vacuum/route");
const jobRoute = () => import("@/app/api/servers/[server]/jobs/[job]/route");
const cancelRoute = () => import("@/app/api/servers/[server]/jobs/[job]/cancel/route");

describe.each(pgServers())("maintenance jobs on PG $major", (s) => {
  const server = `pg${s.major}`;
  const dbName = `jobs_queue_${s.major}`;
  let url: string;
  let storeUrl: string;
  let c: pg.Client;
  let st: pg.Client;
  let cookie: string;

  async function queue(body: Record<string, unknown>): Promise<Job[]> {
    const res = await callRoute(await vacuumRoute(), "POST", `/api/servers/${server}/jobs/vacuum`, { cookie, params: { server }, body });
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()).jobs;
  }
  async function job(id: number): Promise<Job> {
    const res = await callRoute(await jobRoute(), "GET", `/api/servers/${server}/jobs/${id}`, { cookie, params: { server, job: String(id) } });
    expect(res.status).toBe(200);
    return (await res.json()).job;
  }
  const finished = (id: number) => waitFor(async () => ((await job(id)).state === "done" ? job(id) : null), `job ${id} done`, 60_000, 100);
  const auditOf = async (intentId: number) =>
    (await st.query(`SELECT kind, action, outcome, sqlstate, detail, target_oid, user_name FROM audit_log WHERE id = $1 OR intent_id = $1 ORDER BY id`, [intentId])).rows;
  const intentIdOf = async (jobId: number) => Number((await st.query(`SELECT audit_intent_id FROM maintenance_jobs WHERE id = $1`, [jobId])).rows[0].audit_intent_id);

  beforeAll(async () => {
    url = await freshDatabase(s.url, dbName);
    ({ storeUrl } = await useTestConsole({ storeServerUrl: s.url, storeName: `jobs_queue_store_${s.major}`, servers: [{ id: server, url }] }));
    await addUser("op", "operator");
    cookie = await signIn("op");
    c = await connect(url);
    st = await connect(storeUrl);
    await tableWithDeadRows(url, "big", { rows: 40_000, deleteEvery: 2, width: 120 });
    await tableWithDeadRows(url, "small", { rows: 500, deleteEvery: 2 });
  });
  afterAll(async () => {
    await stopJobWorker();
    await c?.end();
    await st?.end();
    await teardownTestConsole();
  });

  test("one job per database at a time: the second waits queued until the first finishes; progress is live", async () => {
    await withClient(url, (w) => throttleVacuum(w, dbName));
    try {
      const [first] = await queue({ command: "vacuum", relids: [await oidOf(c, "public", "big")] });
      const [second] = await queue({ command: "vacuum", relids: [await oidOf(c, "public", "small")] });
      expect(first!.state).not.toBe("done");
      let maxConcurrent = 0;
      const running = await waitFor(async () => {
        // This database only: other test files vacuum their own databases on the same server.
        const { rows } = await c.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'pgwarden' AND query ILIKE 'VACUUM%' AND datname = $1`,
          [dbName],
        );
        maxConcurrent = Math.max(maxConcurrent, rows[0].n);
        const j = await job(first!.id);
        return j.progress?.command === "vacuum" && (j.progress.blocksDone ?? 0) > 0 ? j : null;
      }, "first job's VACUUM progress with blocks done");
      expect(running.state).toBe("running");
      expect(running.progress!.percent).toBeGreaterThan(0);
      expect(running.progress!.blocksTotal).toBeGreaterThan(100);
      expect(running.elapsedMs).toBeGreaterThanOrEqual(0);
      expect(running.statement).toBe(`VACUUM "public"."big"`);
      const waiting = await job(second!.id);
      expect(waiting.state).toBe("queued");
      expect(waiting.ahead).toBe(1);
      expect(waiting.startedAt).toBeNull();

      const done1 = await finished(first!.id);
      const done2 = await finished(second!.id);
      expect(done1.outcome).toBe("ok");
      expect(done2.outcome).toBe("ok");
      expect(Date.parse(done2.startedAt!)).toBeGreaterThanOrEqual(Date.parse(done1.finishedAt!));
      expect(maxConcurrent).toBeLessThanOrEqual(1);
      // The list shows both in history, newest first.
      const list = await (await callRoute(await jobsRoute(), "GET", `/api/servers/${server}/jobs`, { cookie, params: { server }, search: `?db=${dbName}` })).json();
      expect(list.jobs.slice(0, 2).map((j: Job) => j.id)).toEqual([second!.id, first!.id]);
    } finally {
      await withClient(url, (w) => w.query(`ALTER DATABASE ${ident(dbName)} RESET ALL`));
    }
  });

  test("the history row records outcome, statement and PostgreSQL's notices; the tables API shows the new last vacuum", async () => {
    await withClient(url, (w) => w.query(`DELETE FROM small WHERE id % 5 = 1`));
    const [j] = await queue({ command: "vacuum_analyze", relids: [await oidOf(c, "public", "small")], options: { verbose: true } });
    const done = await finished(j!.id);
    expect(done.outcome).toBe("ok");
    expect(done.statement).toBe(`VACUUM (ANALYZE, VERBOSE) "public"."small"`);
    expect(done.notices.some((n) => /vacuuming/i.test(n.message))).toBe(true);
    expect(done.sqlstate).toBeNull();
    expect(done.pid).toBeGreaterThan(0);
    expect(done.backendStart).toMatch(/\.\d{6}Z$/);
    const stored = (await st.query(`SELECT jsonb_array_length(notices) AS n, user_name, relation_oid FROM maintenance_jobs WHERE id = $1`, [j!.id])).rows[0];
    expect(stored.n).toBeGreaterThan(0);
    expect(stored.user_name).toBe("op");
    await waitForTableStats(url, "small", (r) => r.last_analyze !== null && r.n_dead_tup === 0, "small vacuumed");
    const tables = await import("@/app/api/servers/[server]/tables/route");
    const row = await waitFor(async () => {
      const body = await (await callRoute(tables, "GET", `/api/servers/${server}/tables`, { cookie, params: { server }, search: "?q=small" })).json();
      const r = body.rows.find((x: { name: string }) => x.name === "small");
      return r?.lastVacuum && r?.lastAnalyze ? r : null;
    }, "tables API shows last vacuum and analyze");
    expect(Date.now() - Date.parse(row.lastVacuum)).toBeLessThan(120_000);
    // Audited: intent when queued, outcome when done.
    const audit = await auditOf(await intentIdOf(j!.id));
    expect(audit).toEqual([
      expect.objectContaining({ kind: "intent", action: "vacuum_analyze", outcome: null, user_name: "op", target_oid: j!.relid }),
      expect.objectContaining({ kind: "outcome", action: "vacuum_analyze", outcome: "ok" }),
    ]);
  });

  test("behind an ACCESS EXCLUSIVE lock a job fails fast as blocked by the holder's pid and leaves nothing waiting", async () => {
    const holder = await connect(url, "jobs-lock-holder");
    try {
      await holder.query(`BEGIN; LOCK TABLE small IN ACCESS EXCLUSIVE MODE`);
      const { pid } = await waitForSession(url, "jobs-lock-holder", { state: "idle in transaction" });
      const smallOid = await oidOf(c, "public", "small");
      const [j] = await queue({ command: "vacuum", relids: [smallOid], lockTimeoutMs: 500 });
      const done = await finished(j!.id);
      expect(done.outcome).toBe("blocked");
      expect(done.sqlstate).toBe("55P03");
      expect(done.blockedBy).toEqual([pid]);
      expect(done.message).toContain(`Blocked by pid ${pid}`);
      expect(Date.parse(done.finishedAt!) - Date.parse(done.startedAt!)).toBeLessThan(5_000);
      // Only this table: other test files run beside this one and may be waiting on their own locks.
      const waiting = await c.query(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = $1`, [smallOid]);
      expect(waiting.rows[0].n).toBe(0);
      expect((await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1`, [done.pid])).rows[0].n).toBe(0);
      const audit = await auditOf(await intentIdOf(j!.id));
      expect(audit[1]).toMatchObject({ kind: "outcome", outcome: "failed", sqlstate: "55P03" });
    } finally {
      await holder.end();
    }
  });

  test("a running job is cancelled through the route (audited), and a queued one is taken off the queue", async () => {
    await withClient(url, (w) => throttleVacuum(w, dbName));
    try {
      await withClient(url, (w) => w.query(`DELETE FROM big WHERE id % 4 = 1`));
      const [run, wait] = await queue({ command: "vacuum", relids: [await oidOf(c, "public", "big"), await oidOf(c, "public", "small")] });
      await waitFor(async () => (await job(run!.id)).progress?.command === "vacuum", "vacuum running");
      const cancel = await cancelRoute();
      const r2 = await callRoute(cancel, "POST", `/api/servers/${server}/jobs/${wait!.id}/cancel`, { cookie, params: { server, job: String(wait!.id) } });
      expect(await r2.json()).toMatchObject({ outcome: "cancelled", job: { state: "done", outcome: "cancelled" } });
      const r1 = await callRoute(cancel, "POST", `/api/servers/${server}/jobs/${run!.id}/cancel`, { cookie, params: { server, job: String(run!.id) } });
      expect(await r1.json()).toMatchObject({ outcome: "cancel_sent" });
      const done = await finished(run!.id);
      expect(done.outcome).toBe("cancelled");
      expect(done.sqlstate).toBe("57014");
      expect((await job(wait!.id)).startedAt).toBeNull(); // never ran
      const rows = (await st.query(`SELECT kind, outcome, target_pid FROM audit_log WHERE action = 'cancel_job' ORDER BY id`)).rows;
      expect(rows).toEqual([
        { kind: "intent", outcome: null, target_pid: null },
        { kind: "outcome", outcome: "ok", target_pid: null },
        { kind: "intent", outcome: null, target_pid: done.pid },
        { kind: "outcome", outcome: "ok", target_pid: done.pid },
      ]);
      expect((await auditOf(await intentIdOf(run!.id)))[1]).toMatchObject({ outcome: "failed", sqlstate: "57014" });
    } finally {
      await withClient(url, (w) => w.query(`ALTER DATABASE ${ident(dbName)} RESET ALL`));
    }
  });
});
