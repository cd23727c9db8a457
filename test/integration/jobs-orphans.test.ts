// A console process killed mid-job (kill -9) leaves its VACUUM running on the server. A console
// process that starts next re-attaches it: shown running with live progress and a working cancel,
// and once its backend is gone the job gets its true end when PostgreSQL shows it (last_vacuum
// moved past its start → completed), else "unknown". On PostgreSQL 18 and 14.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { jobTag } from "@/lib/pg/job-backend";
import { ensureJobWorker, stopJobWorker } from "@/lib/jobs/worker";
import type { Job } from "@/lib/schemas/jobs";
import { connect, freshDatabase, pgServers, waitFor } from "../helpers/pg";
import { ident, oidOf, tableWithDeadRows, withClient } from "../helpers/storage-fixtures";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const ROOT = path.resolve(import.meta.dirname, "../..");
const jobRoute = () => import("@/app/api/servers/[server]/jobs/[job]/route");
const cancelRoute = () => import("@/app/api/servers/[server]/jobs/[job]/cancel/route");

/** Starts a console process (test/helpers/job-console.ts) and returns it with its first line of output. */
async function consoleProcess(args: string[]): Promise<{ child: ChildProcess; first: Record<string, number> }> {
  const child = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "test/helpers/job-console.ts", ...args], {
    cwd: ROOT,
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once("line", resolve);
    child.once("exit", (code) => reject(new Error(`job console exited (${code}): ${stderr}`)));
  });
  return { child, first: JSON.parse(line) };
}

const killed = (child: ChildProcess) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once("exit", r)));

describe.each(pgServers())("orphaned jobs on PG $major", (s) => {
  const server = `orph${s.major}`;
  const dbName = `jobs_orphans_${s.major}`;
  let url: string;
  let c: pg.Client;
  let st: pg.Client;
  let cookie: string;
  let userId: number;
  const children: ChildProcess[] = [];

  async function job(id: number): Promise<Job> {
    const res = await callRoute(await jobRoute(), "GET", `/api/servers/${server}/jobs/${id}`, { cookie, params: { server, job: String(id) } });
    expect(res.status).toBe(200);
    return (await res.json()).job;
  }
  const finished = (id: number) => waitFor(async () => ((await job(id)).state === "done" ? job(id) : null), `job ${id} done`, 90_000, 200);
  const auditOf = async (intentId: number) =>
    (await st.query(`SELECT kind, outcome, detail FROM audit_log WHERE id = $1 OR intent_id = $1 ORDER BY id`, [intentId])).rows;

  /** The calling connection's identity as the job rows store it. */
  async function backendOf(client: pg.Client): Promise<{ pid: number; start: string }> {
    const { rows } = await client.query(
      `SELECT pid, to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS start FROM pg_stat_activity WHERE pid = pg_backend_pid()`,
    );
    return rows[0];
  }

  /** A job row left 'running' by a console process that is gone (owner, and maybe its backend). */
  async function orphanRow(table: string, command: string, backend: { pid: number; start: string } | null): Promise<{ id: number; intent: number }> {
    const relid = await oidOf(c, "public", table);
    const intent = Number(
      (
        await st.query(`INSERT INTO audit_log (kind, user_name, server, database, action, target_oid) VALUES ('intent', 'op', $1, $2, $3, $4) RETURNING id`, [
          server,
          dbName,
          command,
          relid,
        ])
      ).rows[0].id,
    );
    const id = Number(
      (
        await st.query(
          `INSERT INTO maintenance_jobs (server, database, relation_oid, relation_name, command, lock_timeout_ms, state, started_at, owner,
                                         audit_intent_id, backend_pid, backend_start, tag)
           VALUES ($1, $2, $3, $4, $5, 1000, 'running', now(), 'gone-host:1:dead', $6, $7, $8::timestamptz, $9) RETURNING id`,
          [server, dbName, relid, `"public".${ident(table)}`, command, intent, backend?.pid ?? null, backend?.start ?? null, null],
        )
      ).rows[0].id,
    );
    if (backend) await st.query(`UPDATE maintenance_jobs SET tag = $2 WHERE id = $1`, [id, jobTag(id)]);
    return { id, intent };
  }

  beforeAll(async () => {
    url = await freshDatabase(s.url, dbName);
    const { storeUrl } = await useTestConsole({ storeServerUrl: s.url, storeName: `jobs_orphans_store_${s.major}`, servers: [{ id: server, url }] });
    userId = await addUser("op", "operator");
    cookie = await signIn("op");
    c = await connect(url);
    st = await connect(storeUrl);
    await tableWithDeadRows(url, "big", { rows: 60_000, deleteEvery: 2, width: 120 });
    await withClient(url, (w) => w.query(`CREATE TABLE done_t (id int); CREATE TABLE quiet_t (id int); CREATE TABLE never_t (id int)`));
  });
  afterEach(async () => {
    for (const child of children.splice(0)) {
      child.kill("SIGKILL");
      await killed(child);
    }
    await stopJobWorker();
  });
  afterAll(async () => {
    await withClient(url, (w) => w.query(`ALTER DATABASE ${ident(dbName)} RESET ALL`)).catch(() => {});
    await c?.end();
    await st?.end();
    await teardownTestConsole();
  });

  test("kill -9 the console mid-VACUUM: the next console shows it running with progress, cancels it, and it stops", { timeout: 150_000 }, async () => {
    // Throttled so that it runs long enough to kill, restart and cancel (each page costs a 50 ms nap).
    await withClient(url, (w) => w.query(`ALTER DATABASE ${ident(dbName)} SET vacuum_cost_delay = '50ms'; ALTER DATABASE ${ident(dbName)} SET vacuum_cost_limit = 1`));
    const relid = await oidOf(c, "public", "big");
    const first = await consoleProcess(["queue", server, dbName, String(relid), String(userId), "op"]);
    children.push(first.child);
    const id = first.first.job!;
    const tag = jobTag(id);

    // The first console runs it: its tagged VACUUM is scanning the heap.
    const vacuum = await waitFor(async () => {
      const { rows } = await c.query(
        `SELECT a.pid, p.heap_blks_scanned FROM pg_stat_activity a JOIN pg_stat_progress_vacuum p ON p.pid = a.pid
          WHERE a.state = 'active' AND a.query = $1`,
        [`${tag} VACUUM "public"."big"`],
      );
      return rows[0]?.heap_blks_scanned > 0 ? (rows[0] as { pid: number }) : null;
    }, "the first console's VACUUM scanning", 30_000);

    first.child.kill("SIGKILL");
    await killed(first.child);
    // The statement outlives its console: still running on the server, still 'running' in the store.
    const still = await c.query(`SELECT state, query FROM pg_stat_activity WHERE pid = $1`, [vacuum.pid]);
    expect(still.rows[0]).toMatchObject({ state: "active", query: `${tag} VACUUM "public"."big"` });
    expect((await st.query(`SELECT state, backend_pid FROM maintenance_jobs WHERE id = $1`, [id])).rows[0]).toEqual({ state: "running", backend_pid: vacuum.pid });

    // Restart: a new console process (and this one, reading through the routes) look at the queue;
    // one of them re-attaches the job.
    const second = await consoleProcess(["worker"]);
    children.push(second.child);
    const attached = await waitFor(async () => {
      const j = await job(id);
      return j.reattachedAt && j.state === "running" && j.progress?.running && (j.progress.blocksDone ?? 0) > 0 ? j : null;
    }, "the job shown running, re-attached, with progress", 30_000, 200);
    expect(attached.progress).toMatchObject({ pid: vacuum.pid, command: "vacuum", running: true });
    expect(attached.message).toMatch(/gone-host|stopped; re-attached by/);

    const res = await callRoute(await cancelRoute(), "POST", `/api/servers/${server}/jobs/${id}/cancel`, { cookie, params: { server, job: String(id) } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await res.json()).outcome).toBe("cancel_sent");

    const done = await finished(id);
    expect(done.outcome).toBe("cancelled");
    expect(done.cancelSent).toBe(true);
    await waitFor(async () => (await c.query(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [vacuum.pid])).rowCount === 0, "the VACUUM's backend gone");
    const stats = await c.query(`SELECT last_vacuum FROM pg_stat_user_tables WHERE relid = $1`, [relid]);
    expect(stats.rows[0].last_vacuum).toBeNull(); // it really stopped: it never completed
    // One console re-attached it: one outcome for the job in the audit log.
    const intent = Number((await st.query(`SELECT audit_intent_id FROM maintenance_jobs WHERE id = $1`, [id])).rows[0].audit_intent_id);
    const audit = await auditOf(intent);
    expect(audit.filter((r) => r.kind === "outcome")).toEqual([expect.objectContaining({ outcome: "failed", detail: expect.stringMatching(/^cancelled: /) })]);
    expect((done.message!.match(/re-attached by/g) ?? []).length).toBe(1);
    await withClient(url, (w) => w.query(`ALTER DATABASE ${ident(dbName)} RESET ALL`));
  });

  test("a re-attached job whose backend is gone ends as completed when last_vacuum moved past its start, else unknown; one that never got a backend was not run", async () => {
    // done_t: its backend vacuumed the table, then went away with its console.
    const vacuumer = await connect(url, "orphan-vacuumer");
    const vb = await backendOf(vacuumer);
    await vacuumer.query(`VACUUM done_t`);
    await vacuumer.end();
    // quiet_t: its backend went away without doing anything PostgreSQL keeps a trace of.
    const quiet = await connect(url, "orphan-quiet");
    const qb = await backendOf(quiet);
    await quiet.end();
    await waitFor(
      async () => (await c.query(`SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'done_t'`)).rows[0]?.last_vacuum,
      "done_t's last_vacuum",
    );
    const completed = await orphanRow("done_t", "vacuum", vb);
    const unknown = await orphanRow("quiet_t", "vacuum_analyze", qb);
    const notRun = await orphanRow("never_t", "analyze", null);

    ensureJobWorker(); // a console starting
    const [a, b, n] = [await finished(completed.id), await finished(unknown.id), await finished(notRun.id)];
    expect(a.outcome).toBe("ok");
    expect(a.message).toMatch(/last_vacuum moved past the job's start/);
    expect(b.outcome).toBe("unknown");
    expect(b.message).toMatch(/ended while no console process watched it/);
    expect(n.outcome).toBe("failed");
    expect(n.message).toMatch(/nothing was run/);
    for (const m of [a, b, n]) expect(m.message).toContain("gone-host:1:dead");
    expect((await auditOf(completed.intent))[1]).toMatchObject({ kind: "outcome", outcome: "ok" });
    expect((await auditOf(unknown.intent))[1]).toMatchObject({ kind: "outcome", outcome: "unknown" });
    expect((await auditOf(notRun.intent))[1]).toMatchObject({ kind: "outcome", outcome: "failed" });
    // quiet_t and never_t were not touched by anyone.
    const untouched = await c.query(`SELECT relname, last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname IN ('quiet_t', 'never_t') ORDER BY 1`);
    expect(untouched.rows).toEqual([
      { relname: "never_t", last_vacuum: null, last_analyze: null },
      { relname: "quiet_t", last_vacuum: null, last_analyze: null },
    ]);

    // And the queue moves on.
    const vacuumRoute = await import("@/app/api/servers/[server]/jobs/vacuum/route");
    const res = await callRoute(vacuumRoute, "POST", `/api/servers/${server}/jobs/vacuum`, {
      cookie,
      params: { server },
      search: `?db=${dbName}`,
      body: { command: "vacuum", relids: [await oidOf(c, "public", "quiet_t")] },
    });
    expect(res.status).toBe(200);
    expect((await finished((await res.json()).jobs[0].id)).outcome).toBe("ok");
  });
});
