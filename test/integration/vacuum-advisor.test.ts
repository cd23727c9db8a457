// The vacuum advisor (issue 12 item 6) on PostgreSQL 18 and 14: a VACUUM job that leaves dead rows
// behind names the session holding the xmin horizon (pid, state, how long), with what the
// guarded terminate needs; with nothing holding it, the job says nothing more.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stopJobWorker } from "@/lib/jobs/worker";
import type { Job } from "@/lib/schemas/jobs";
import { connect, freshDatabase, pgServers, waitFor, waitForSession } from "../helpers/pg";
import { oidOf, tableWithDeadRows } from "../helpers/storage-fixtures";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const vacuumRoute = () => import("@/app/api/servers/[server]/jobs/vacuum/route");
const jobRoute = () => import("@/app/api/servers/[server]/jobs/[job]/route");

describe.each(pgServers())("vacuum advisor on PG $major", (s) => {
  const server = `va${s.major}`;
  const dbName = `vacuum_advisor_${s.major}`;
  let url: string;
  let c: pg.Client;
  let cookie: string;

  async function vacuum(relid: number): Promise<Job> {
    const res = await callRoute(await vacuumRoute(), "POST", `/api/servers/${server}/jobs/vacuum`, { cookie, params: { server }, body: { command: "vacuum", relids: [relid] } });
    expect(res.status, await res.clone().text()).toBe(200);
    const [queued] = (await res.json()).jobs as Job[];
    const read = async () => {
      const r = await callRoute(await jobRoute(), "GET", `/api/servers/${server}/jobs/${queued!.id}`, { cookie, params: { server, job: String(queued!.id) } });
      return (await r.json()).job as Job;
    };
    return waitFor(async () => {
      const j = await read();
      return j.state === "done" ? j : null;
    }, `job ${queued!.id} done`, 60_000, 100);
  }

  beforeAll(async () => {
    url = await freshDatabase(s.url, dbName);
    await useTestConsole({ storeServerUrl: s.url, storeName: `vacuum_advisor_store_${s.major}`, servers: [{ id: server, url }] });
    await addUser("op", "operator");
    cookie = await signIn("op");
    c = await connect(url);
  });
  afterAll(async () => {
    await stopJobWorker();
    await c?.end();
    await teardownTestConsole();
  });

  test("dead rows kept by an idle-in-transaction session: the job names its pid and state; once it ends, VACUUM removes them and says nothing more", async () => {
    await tableWithDeadRows(url, "held", { rows: 2_000, deleteEvery: 1_000_000 });
    const relid = await oidOf(c, "public", "held");
    const holder = await connect(url, "it-vacuum-holder");
    try {
      // The holder's snapshot predates the DELETE: VACUUM must keep every row it deletes.
      await holder.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      await holder.query("SELECT count(*) FROM held");
      await c.query("DELETE FROM held WHERE id <= 1000");
      const seen = await waitForSession(url, "it-vacuum-holder", { state: "idle in transaction" });
      const job = await vacuum(relid);
      expect(job.outcome).toBe("ok");
      expect(job.advice).not.toBeNull();
      expect(job.advice!.deadRows).toBeGreaterThanOrEqual(1000);
      expect(job.advice!.holder).toMatchObject({ pid: seen.pid, state: "idle in transaction", application: "it-vacuum-holder" });
      expect(job.advice!.holder!.backendStartUs).toBe(Math.floor(seen.backend_start.getTime()) * 1000 + (job.advice!.holder!.backendStartUs % 1000));
      expect(job.advice!.message).toMatch(new RegExp(`^1,0\\d\\d dead rows not removable: the xmin horizon is held by pid ${seen.pid} \\(idle in transaction`));
      expect(job.message).toContain(`held by pid ${seen.pid}`);
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      await holder.end();
    }
    const again = await vacuum(relid);
    expect(again.outcome).toBe("ok");
    expect(again.advice).toBeNull();
  });
});
