// Exact bloat (pgstattuple reads the whole relation) runs as a queued maintenance job that only
// operators and admins may start: with progress while it runs (elapsed time and the size it
// reads, as PostgreSQL reports nothing more), its figures kept with the job and shown by the
// bloat panel's route. On PostgreSQL 18 and 14.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { exactBloat } from "@/lib/pg/bloat";
import { stopJobWorker } from "@/lib/jobs/worker";
import type { ExactBloatJobsResponse, Job } from "@/lib/schemas/jobs";
import { connect, freshDatabase, pgServers, waitFor, waitForSession } from "../helpers/pg";
import { oidOf, tableWithDeadRows, withClient } from "../helpers/storage-fixtures";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const exactRoute = () => import("@/app/api/servers/[server]/bloat/exact/route");
const jobRoute = () => import("@/app/api/servers/[server]/jobs/[job]/route");
const cancelRoute = () => import("@/app/api/servers/[server]/jobs/[job]/cancel/route");

describe.each(pgServers())("exact bloat as a job on PG $major", (s) => {
  const server = `exact${s.major}`;
  const dbName = `jobs_exact_${s.major}`;
  let url: string;
  let c: pg.Client;
  let st: pg.Client;
  const cookies: Record<string, string> = {};

  const queue = async (who: string, relid: number, db = dbName, lockTimeoutMs?: number) =>
    callRoute(await exactRoute(), "POST", `/api/servers/${server}/bloat/exact`, {
      cookie: cookies[who],
      params: { server },
      search: `?db=${db}`,
      body: { relid, ...(lockTimeoutMs ? { lockTimeoutMs } : {}) },
    });
  const status = async (who: string, oids: number[]): Promise<ExactBloatJobsResponse> => {
    const res = await callRoute(await exactRoute(), "GET", `/api/servers/${server}/bloat/exact`, {
      cookie: cookies[who],
      params: { server },
      search: `?db=${dbName}&oids=${oids.join(",")}`,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json();
  };
  const job = async (id: number): Promise<Job> =>
    (await (await callRoute(await jobRoute(), "GET", `/api/servers/${server}/jobs/${id}`, { cookie: cookies.op, params: { server, job: String(id) } })).json()).job;
  const finished = (id: number) => waitFor(async () => ((await job(id)).state === "done" ? job(id) : null), `job ${id} done`, 60_000, 100);
  const jobCount = async () => Number((await st.query(`SELECT count(*) AS n FROM maintenance_jobs`)).rows[0].n);

  beforeAll(async () => {
    url = await freshDatabase(s.url, dbName);
    await freshDatabase(s.url, `${dbName}_noext`);
    const { storeUrl } = await useTestConsole({ storeServerUrl: s.url, storeName: `jobs_exact_store_${s.major}`, servers: [{ id: server, url }] });
    await addUser("viewer1", "viewer");
    await addUser("op1", "operator");
    for (const u of ["viewer1", "op1"]) cookies[u.replace(/1$/, "")] = await signIn(u);
    c = await connect(url);
    st = await connect(storeUrl);
    await c.query(`CREATE EXTENSION pgstattuple`);
    await tableWithDeadRows(url, "bloated", { rows: 20_000, deleteEvery: 2, width: 100 });
    await c.query(`CREATE INDEX bloated_hash ON bloated USING hash (id)`);
  });
  afterAll(async () => {
    await stopJobWorker();
    await c?.end();
    await st?.end();
    await teardownTestConsole();
  });

  test("a viewer cannot start it (403, audited, nothing queued) but sees the figures; an operator's job stores pgstattuple's figures", async () => {
    const table = await oidOf(c, "public", "bloated");
    const index = await oidOf(c, "public", "bloated_pkey");
    const before = await jobCount();
    expect((await queue("viewer", table)).status).toBe(403);
    expect(await jobCount()).toBe(before);
    const denied = await st.query(`SELECT action FROM audit_log WHERE user_name = 'viewer1' AND outcome = 'denied'`);
    expect(denied.rows).toContainEqual({ action: "bloat_exact" });

    const ids: number[] = [];
    for (const relid of [table, index]) {
      const res = await queue("op", relid);
      expect(res.status, await res.clone().text()).toBe(200);
      const [queued] = (await res.json()).jobs as Job[];
      expect(queued).toMatchObject({ command: "bloat_exact", relid, database: dbName, user: "op1" });
      ids.push(queued!.id);
    }
    const [t, i] = [await finished(ids[0]!), await finished(ids[1]!)];
    expect(t.outcome).toBe("ok");
    expect(t.statement).toMatch(/^SELECT \* FROM "public"\.pgstattuple\(\d+::oid::regclass\)$/);
    const truth = await exactBloat(c, table);
    expect(t.result).toMatchObject({ kind: "table", name: "public.bloated", totalBytes: truth.totalBytes });
    expect(t.result!.details.deadTupleCount).toBe(truth.details.deadTupleCount);
    expect(t.result!.details.deadTupleCount).toBe(10_000); // the dead rows really are there
    expect(i.outcome).toBe("ok");
    expect(i.result).toMatchObject({ kind: "index", name: "public.bloated_pkey" });
    expect(i.result!.details.leafPages).toBe((await exactBloat(c, index)).details.leafPages);

    // The bloat panel's read: viewers see the latest figures of each relation asked for.
    const seen = await status("viewer", [table, index, 4_000_000_000]);
    expect(seen.relations.map((r) => [r.oid, r.latest?.id ?? null, r.pending])).toEqual([
      [table, ids[0], null],
      [index, ids[1], null],
      [4_000_000_000, null, null],
    ]);
    expect(seen.relations[0]!.latest!.result!.wastedBytes).toBe(t.result!.wastedBytes);
    const audit = await st.query(`SELECT kind, outcome FROM audit_log WHERE action = 'bloat_exact' AND user_name = 'op1' ORDER BY id`);
    expect(audit.rows.filter((r) => r.kind === "outcome").map((r) => r.outcome)).toEqual(["ok", "ok"]);
  });

  test("while it runs (here: waiting behind an ACCESS EXCLUSIVE lock) its progress is the size it reads and what it waits for; an operator can cancel it", async () => {
    const table = await oidOf(c, "public", "bloated");
    const holder = await connect(url, "exact-lock-holder");
    try {
      await holder.query(`BEGIN; LOCK TABLE bloated IN ACCESS EXCLUSIVE MODE`);
      const { pid } = await waitForSession(url, "exact-lock-holder", { state: "idle in transaction" });
      const [queued] = (await (await queue("op", table, dbName, 60_000)).json()).jobs as Job[];
      const running = await waitFor(async () => {
        const j = await job(queued!.id);
        return j.progress?.command === "pgstattuple" && j.progress.waitingOn.length ? j : null;
      }, "pgstattuple waiting for its lock");
      const relpages = Number((await c.query(`SELECT relpages FROM pg_class WHERE oid = $1`, [table])).rows[0].relpages);
      expect(running.progress).toMatchObject({ command: "pgstattuple", running: true, waitingOn: [pid], relationBytes: relpages * 8192, percent: null });
      expect(relpages).toBeGreaterThan(10);
      expect(running.elapsedMs).toBeGreaterThanOrEqual(0);
      const pending = (await status("op", [table])).relations[0]!;
      expect(pending.pending?.id).toBe(queued!.id);
      const cancel = await callRoute(await cancelRoute(), "POST", `/api/servers/${server}/jobs/${queued!.id}/cancel`, {
        cookie: cookies.op,
        params: { server, job: String(queued!.id) },
      });
      expect((await cancel.json()).outcome).toBe("cancel_sent");
      expect((await finished(queued!.id)).outcome).toBe("cancelled");
    } finally {
      await holder.end();
    }
  });

  test("without the extension, or on a hash index, nothing is queued and the answer says why", async () => {
    const before = await jobCount();
    const noext = await withClient(`${url.replace(new RegExp(`/${dbName}$`), `/${dbName}_noext`)}`, async (w) => {
      await w.query(`CREATE TABLE t (id int)`);
      return oidOf(w, "public", "t");
    });
    const res = await queue("op", noext, `${dbName}_noext`);
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/CREATE EXTENSION pgstattuple/);
    const hash = await queue("op", await oidOf(c, "public", "bloated_hash"));
    expect(hash.status).toBe(400);
    expect((await hash.json()).error.message).toMatch(/tables and btree indexes only/);
    expect(await jobCount()).toBe(before);
  });
});
