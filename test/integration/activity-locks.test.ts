import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverActivity } from "@/lib/activity/server-activity";
import { scopePrefix } from "@/lib/pg/cache-keys";
import { invalidateReads } from "@/lib/pg/cache";
import { sessionLocks } from "@/lib/pg/locks";
import { closeAllPools } from "@/lib/pg/pools";
import type { Session } from "@/lib/schemas/activity";
import { useServers } from "../helpers/app-env";
import { connect, freshDatabase, pgServers, runInBackground, waitFor, waitForSession } from "../helpers/pg";

// The session detail's locks, and what the Activity page shows whatever its filters: every
// blocking chain with its own sessions, and an "active" count without the console's own read.

const servers = pgServers();
const id = (major: number) => `locks${major}`;
const DB = "locks_it";

beforeAll(async () => {
  for (const s of servers) {
    const url = await freshDatabase(s.url, DB);
    const c = await connect(url);
    await c.query(`CREATE TABLE "Orders" (id int PRIMARY KEY); INSERT INTO "Orders" VALUES (1)`);
    await c.end();
  }
  // The console's URL names the `postgres` database: the locks must still be named in locks_it.
  await useServers(servers.map((s) => ({ id: id(s.major), url: s.url })));
});

afterAll(async () => {
  await closeAllPools();
});

async function fresh(server: string, q = {}) {
  invalidateReads(scopePrefix({ server: server }));
  return serverActivity(server, q, "admin");
}

describe.each(servers)("session locks and chains on PostgreSQL $major", (s) => {
  const server = id(s.major);
  const url = (() => {
    const u = new URL(s.url);
    u.pathname = `/${DB}`;
    return u.toString();
  })();
  const sessionOf = (app: string): Promise<Session> => waitFor(async () => (await fresh(server, { application: app })).sessions[0], `${app} in activity`);

  it("lists what a session holds and what it waits for, named in its own database, with who blocks it", async () => {
    const holder = await connect(url, "it-locks-holder");
    await holder.query(`BEGIN; UPDATE "Orders" SET id = id WHERE id = 1`);
    const waiter = await connect(url, "it-locks-waiter");
    const waiting = runInBackground(waiter, `BEGIN; LOCK TABLE "Orders" IN ACCESS EXCLUSIVE MODE`);
    await waitForSession(url, "it-locks-waiter", { waiting: true });
    const h = await sessionOf("it-locks-holder");
    const w = await sessionOf("it-locks-waiter");

    const held = await sessionLocks(server, h.pid, h.backendStartUs!, "admin");
    expect(held.found).toBe(true);
    const orders = held.held.filter((l) => l.locktype === "relation" && l.relation === "Orders");
    expect(orders).toEqual([expect.objectContaining({ schema: "public", mode: "RowExclusiveLock", granted: true, database: DB })]);
    expect(held.held.some((l) => l.locktype === "transactionid")).toBe(true);
    expect(held.awaited).toEqual([]);

    const waits = await sessionLocks(server, w.pid, w.backendStartUs!, "admin");
    expect(waits.awaited).toEqual([expect.objectContaining({ relation: "Orders", mode: "AccessExclusiveLock", granted: false })]);
    expect(waits.awaited[0]!.waitStart).toBeGreaterThan(0);
    expect(waits.awaited[0]!.waitStart).toBeLessThanOrEqual(waits.serverNow);
    expect(waits.blockedBy.map((b) => b.pid)).toEqual([h.pid]);
    expect(waits.blockedBy[0]).toMatchObject({ application: "it-locks-holder", state: "idle in transaction" });

    // A pid is only read as the session that started at backendStartUs.
    const other = await sessionLocks(server, h.pid, h.backendStartUs! - 1, "admin");
    expect(other).toMatchObject({ found: false, held: [], awaited: [] });

    await holder.query("ROLLBACK");
    expect((await waiting).error).toBeUndefined();
    await Promise.all([holder.end(), waiter.end()]);
  });

  it("keeps every chain and its root's session when the list filter matches none of them", async () => {
    const root = await connect(url, "it-locks-root");
    await root.query(`BEGIN; LOCK TABLE "Orders" IN ACCESS EXCLUSIVE MODE`);
    const waiter = await connect(url, "it-locks-w");
    const waiting = runInBackground(waiter, `SELECT count(*) FROM "Orders"`);
    await waitForSession(url, "it-locks-w", { waiting: true });

    const view = await fresh(server, { application: "matches-nothing", state: "active" });
    expect(view.sessions).toEqual([]);
    const tree = view.blockingTrees.find((t) => t.session?.application === "it-locks-root");
    expect(tree).toBeDefined();
    expect(tree!.session).toMatchObject({ state: "idle in transaction", unkillable: null, database: DB });
    expect(tree!.session!.backendStartUs).not.toBeNull();
    expect(tree!.waiters.map((w) => w.session?.application)).toEqual(["it-locks-w"]);

    await root.query("ROLLBACK");
    expect((await waiting).error).toBeUndefined();
    await Promise.all([root.end(), waiter.end()]);
  });

  it("does not count the console's own snapshot read as an active session", async () => {
    const view = await fresh(server);
    const console = view.sessions.filter((x) => x.unkillable === "console_session" && x.state === "active");
    const others = view.sessions.filter((x) => x.unkillable !== "console_session" && x.state === "active" && x.backendType === "client backend");
    expect(console.length).toBeGreaterThanOrEqual(1); // the read that took this very snapshot
    expect(view.summary.active).toBe(others.length);
    expect(view.summary.consoleActive).toBe(console.length);
  });
});
