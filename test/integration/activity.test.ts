import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverActivity } from "@/lib/activity/server-activity";
import { signalSessions } from "@/lib/actions/signal";
import { scopePrefix } from "@/lib/pg/cache-keys";
import { invalidateReads } from "@/lib/pg/cache";
import { closeAllPools } from "@/lib/pg/pools";
import type { Session } from "@/lib/schemas/activity";
import { useServers } from "../helpers/app-env";
import { connect, pgServers, runInBackground, waitFor, waitForSession, withDatabase } from "../helpers/pg";

const servers = pgServers();
const ref = (s: Session) => ({ pid: s.pid, backendStartUs: s.backendStartUs! });
const id = (major: number) => `pg${major}`;

beforeAll(async () => {
  const admin = await connect(servers[0]!.url);
  await admin.end();
  // The same servers twice: as superuser, and as a role with no special privileges.
  const entries = [];
  for (const s of servers) {
    const c = await connect(s.url);
    await c.query(`DROP ROLE IF EXISTS act_limited`).catch(() => {});
    await c.query(`CREATE ROLE act_limited LOGIN PASSWORD 'limited'`).catch(() => {});
    await c.query(`DROP ROLE IF EXISTS act_worker`).catch(() => {});
    await c.query(`CREATE ROLE act_worker LOGIN PASSWORD 'worker'`).catch(() => {});
    await c.query(`CREATE TABLE IF NOT EXISTS act_a (id int); CREATE TABLE IF NOT EXISTS act_b (id int);
                   GRANT ALL ON act_a, act_b TO act_worker`);
    // Sees every session (pg_read_all_stats) but may not signal others': the common monitoring role.
    await c.query(`GRANT pg_read_all_stats TO act_limited`);
    await c.end();
    const limited = new URL(s.url);
    limited.username = "act_limited";
    limited.password = "limited";
    entries.push({ id: id(s.major), url: s.url }, { id: `${id(s.major)}-limited`, url: limited.toString() });
  }
  await useServers(entries);
});

afterAll(async () => {
  await closeAllPools();
});

async function fresh(server: string, q = {}) {
  invalidateReads(scopePrefix({ server: server }));
  return serverActivity(server, q, "admin");
}

/**
 * The session of `app` once listed; with `state`, once in that state. A session just given a query
 * shows "idle" until its backend reads it, which on a busy machine is after the test's next step.
 */
async function sessionOf(server: string, app: string, state?: string): Promise<Session> {
  return waitFor(
    async () => (await fresh(server, { application: app })).sessions.find((x) => !state || x.state === state),
    `${app} in activity${state ? `, ${state}` : ""}`,
  );
}

describe.each(servers)("activity on PostgreSQL $major", (s) => {
  const server = id(s.major);
  const workerUrl = (() => {
    const u = new URL(s.url);
    u.username = "act_worker";
    u.password = "worker";
    return u.toString();
  })();

  it("shows a runaway query with its fields", async () => {
    const c = await connect(s.url, "it-runaway");
    const done = runInBackground(c, "SELECT pg_sleep(600) /* runaway */");
    const seen = await waitForSession(s.url, "it-runaway");
    const row = await sessionOf(server, "it-runaway");
    expect(row.pid).toBe(seen.pid);
    expect(row.state).toBe("active");
    expect(row.database).toBe("postgres");
    expect(row.user).toBe("postgres");
    expect(row.query).toContain("pg_sleep(600)");
    expect(row.queryStart).not.toBeNull();
    expect(row.backendType).toBe("client backend");
    expect(row.unkillable).toBeNull();
    const view = await fresh(server, { application: "it-runaway", minDuration: 0 });
    expect(view.summary.active).toBeGreaterThanOrEqual(1);
    expect(view.summary.maxConnections).toBe(200);

    const res = await signalSessions({ server }, { kind: "cancel", requestId: randomUUID(), sessions: [ref(row)] });
    expect(res.outcomes).toEqual([expect.objectContaining({ pid: row.pid, outcome: "cancelled" })]);
    expect((await done).error?.code).toBe("57014");
    await c.end();
  });

  it("groups a three-level lock chain under its root blocker, and terminating the root frees the waiters", async () => {
    const root = await connect(s.url, "it-chain-root");
    await root.query("BEGIN; LOCK TABLE act_a IN ACCESS EXCLUSIVE MODE");
    const w1 = await connect(workerUrl, "it-chain-w1");
    await w1.query("BEGIN; LOCK TABLE act_b IN ACCESS EXCLUSIVE MODE");
    const w1done = runInBackground(w1, "SELECT count(*) FROM act_a");
    const w2 = await connect(workerUrl, "it-chain-w2");
    const w2done = runInBackground(w2, "SELECT count(*) FROM act_b");
    const w3 = await connect(workerUrl, "it-chain-w3");
    const w3done = runInBackground(w3, "SELECT count(*) FROM act_a");
    for (const app of ["it-chain-w1", "it-chain-w2", "it-chain-w3"]) await waitForSession(s.url, app, { waiting: true });

    const view = await fresh(server);
    const pidOf = (app: string) => view.sessions.find((x) => x.application === app)!.pid;
    const tree = view.blockingTrees.find((t) => t.pid === pidOf("it-chain-root"));
    expect(tree).toBeDefined();
    expect(tree!.waiters.map((w) => w.pid).sort()).toEqual([pidOf("it-chain-w1"), pidOf("it-chain-w3")].sort());
    const w1node = tree!.waiters.find((w) => w.pid === pidOf("it-chain-w1"))!;
    expect(w1node.waiters.map((w) => w.pid)).toEqual([pidOf("it-chain-w2")]);
    // No waiter of this chain appears as a root of its own.
    expect(view.blockingTrees.filter((t) => ["it-chain-w1", "it-chain-w2", "it-chain-w3"].map(pidOf).includes(t.pid))).toEqual([]);

    const rootRow = view.sessions.find((x) => x.application === "it-chain-root")!;
    const res = await signalSessions({ server }, { kind: "terminate", requestId: randomUUID(), sessions: [ref(rootRow)] });
    expect(res.outcomes[0]!.outcome).toBe("terminated");
    expect((await w1done).error).toBeUndefined();
    expect((await w3done).error).toBeUndefined();
    await w1.query("COMMIT");
    expect((await w2done).error).toBeUndefined();
    await Promise.all([w1.end(), w2.end(), w3.end()]);
    await root.end().catch(() => {});
  });

  it("reports an exited session as already gone, and a reused identity as changed without sending", async () => {
    const gone = await connect(s.url, "it-gone");
    const row = await sessionOf(server, "it-gone");
    await gone.end();
    await waitFor(async () => !(await fresh(server, { application: "it-gone" })).sessions.length, "it-gone to exit");
    const res = await signalSessions({ server }, { kind: "terminate", requestId: randomUUID(), sessions: [ref(row)] });
    expect(res.outcomes[0]!.outcome).toBe("already_gone");

    const alive = await connect(s.url, "it-changed");
    const done = runInBackground(alive, "SELECT pg_sleep(600)");
    const live = await sessionOf(server, "it-changed", "active");
    const wrong = { pid: live.pid, backendStartUs: live.backendStartUs! - 1 };
    const res2 = await signalSessions({ server }, { kind: "cancel", requestId: randomUUID(), sessions: [wrong] });
    expect(res2.outcomes[0]!.outcome).toBe("changed");
    expect((await fresh(server, { application: "it-changed" })).sessions[0]?.state).toBe("active");
    await signalSessions({ server }, { kind: "cancel", requestId: randomUUID(), sessions: [ref(live)] });
    expect((await done).error?.code).toBe("57014");
    await alive.end();
  });

  it("refuses a superuser's session when the console role is not superuser, and never hits its own sessions", async () => {
    const su = await connect(s.url, "it-superuser");
    const done = runInBackground(su, "SELECT pg_sleep(600)");
    const row = await sessionOf(`${server}-limited`, "it-superuser", "active");
    expect(row.unkillable).toBe("superuser_session");
    const res = await signalSessions({ server: `${server}-limited` }, { kind: "terminate", requestId: randomUUID(), sessions: [{ pid: row.pid, backendStartUs: row.backendStartUs! }] });
    expect(res.outcomes[0]).toMatchObject({ outcome: "not_permitted", missingRole: "superuser" });
    expect((await fresh(server, { application: "it-superuser" })).sessions[0]?.state).toBe("active");

    // The console's own sessions are its pool's, which close when idle (so one listed a moment ago
    // may be "already gone"); a session that stays open under the console's name and user is one.
    const held = await connect(s.url, "pgwarden");
    const heldPid = (held as unknown as { processID: number }).processID;
    const own = await waitFor(
      async () => (await fresh(server, { application: "pgwarden", user: "postgres" })).sessions.find((x) => x.pid === heldPid),
      "the console-named session in activity",
    );
    expect(own.unkillable).toBe("console_session");
    const res2 = await signalSessions({ server }, { kind: "terminate", requestId: randomUUID(), sessions: [ref(own)] });
    expect(res2.outcomes[0]).toMatchObject({ outcome: "not_permitted", message: expect.stringContaining("pgwarden's own connection") });
    expect((await held.query("SELECT 1 AS alive")).rows[0].alive).toBe(1);
    await held.end();

    await signalSessions({ server }, { kind: "cancel", requestId: randomUUID(), sessions: [ref(row)] });
    expect((await done).error?.code).toBe("57014");
    await su.end();
  });

  it("hides other sessions' details without pg_read_all_stats and refuses to signal them", async () => {
    const c = await connect(s.url);
    await c.query("REVOKE pg_read_all_stats FROM act_limited");
    const su = await connect(s.url, "it-hidden");
    const done = runInBackground(su, "SELECT pg_sleep(600)");
    const row = await sessionOf(`${server}-limited`, "it-hidden");
    expect(row).toMatchObject({ visible: false, query: null, backendStartUs: null, unkillable: "hidden_session" });
    const view = await fresh(`${server}-limited`, { application: "it-hidden" });
    expect(view.limitedVisibility).toBe(true);
    await c.query("GRANT pg_read_all_stats TO act_limited");
    const full = await sessionOf(server, "it-hidden", "active");
    await signalSessions({ server }, { kind: "cancel", requestId: randomUUID(), sessions: [{ pid: full.pid, backendStartUs: full.backendStartUs! }] });
    expect((await done).error?.code).toBe("57014");
    await Promise.all([su.end(), c.end()]);
  });

  it("acts on exactly the sessions a bulk rule previewed", async () => {
    const idle = await Promise.all([1, 2, 3].map(() => connect(workerUrl, "it-bulk")));
    for (const c of idle) await c.query("BEGIN; SELECT 1");
    const other = await connect(s.url, "it-bulk");
    await other.query("BEGIN; SELECT 1");
    const rule = { application: "it-bulk", state: "idle in transaction", user: "act_worker", minDuration: 0 };
    const preview = await waitFor(async () => {
      const v = await fresh(server, rule);
      return v.sessions.length === 3 ? v.sessions : undefined;
    }, "three idle-in-transaction sessions of act_worker");
    const res = await signalSessions({ server }, { kind: "terminate", requestId: randomUUID(), sessions: preview.map(ref) });
    expect(res.outcomes.map((o) => o.pid).sort()).toEqual(preview.map((p) => p.pid).sort());
    expect(res.outcomes.every((o) => o.outcome === "terminated")).toBe(true);
    await waitFor(async () => (await fresh(server, rule)).sessions.length === 0, "bulk targets to exit");
    const survivors = (await fresh(server, { application: "it-bulk" })).sessions;
    expect(survivors.map((x) => x.user)).toEqual(["postgres"]);
    await other.end();
    await Promise.all(idle.map((c) => c.end().catch(() => {})));
  });
  // Repeated request ids (idempotency in the store): test/integration/security-idempotency.test.ts.
});

it("refuses an unknown database name given as a conninfo string", async () => {
  const { resolveDatabase } = await import("@/lib/pg/databases");
  await expect(resolveDatabase(id(servers[0]!.major), "host=evil port=5432 dbname=x")).rejects.toThrow(/No connectable database/);
  expect(withDatabase(servers[0]!.url, "x")).toContain("/x");
});

it("connects per-database pools to the database that was asked for", async () => {
  const { read } = await import("@/lib/pg/run");
  const s = servers[0]!;
  const c = await connect(s.url);
  await c.query("DROP DATABASE IF EXISTS act_other WITH (FORCE)").then(() => c.query("CREATE DATABASE act_other"));
  await c.end();
  const name = await read({ server: id(s.major), database: "act_other" }, async (db) => (await db.query("SELECT current_database() AS d")).rows[0].d);
  expect(name).toBe("act_other");
});
