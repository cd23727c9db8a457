// Issue 9 items 3 and 8, issue 8 item 8: the console's connections to one server are a budget
// shared by all its databases (PGWARDEN_POOL_MAX), idle ones close, a used-up budget is "console
// busy" (never "unreachable"), and a hung server is given up at statement_timeout + 1 s.
import net from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { errorResponse } from "@/lib/api/respond";
import { DbError } from "@/lib/pg/errors";
import { markReachable, serverUnreachableSince } from "@/lib/pg/health";
import { closeAllPools, openConnections } from "@/lib/pg/pools";
import { read } from "@/lib/pg/run";
import { useServers } from "../helpers/app-env";
import { freshDatabase, pgServers, waitFor, withDatabase } from "../helpers/pg";
import { asRole, withClient } from "../helpers/storage-fixtures";

const ROLE = "conn_budget";

/** A TCP proxy to PostgreSQL that can be frozen: bytes stop flowing, sockets stay open (a hung server). */
async function freezableProxy(port: number) {
  let frozen = false;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, "127.0.0.1");
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => sockets.delete(s));
    }
    client.on("data", (d) => void (frozen || upstream.write(d)));
    upstream.on("data", (d) => void (frozen || client.write(d)));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => void (frozen = true),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe.each(pgServers())("connection budget on PG $major", (s) => {
  const server = `budget${s.major}`;
  const dbs = [0, 1, 2].map((i) => `conn_budget_${s.major}_${i}`);
  let roleUrl: string;

  const consoleConnections = async () =>
    withClient(s.url, async (c) => Number((await c.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1 AND application_name = 'pgwarden'`, [ROLE])).rows[0].n));

  beforeAll(async () => {
    await withClient(s.url, async (c) => {
      await c.query(`DO $$ BEGIN CREATE ROLE ${ROLE} LOGIN PASSWORD 'budget-pw'; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
      await c.query(`GRANT pg_read_all_stats TO ${ROLE}`);
    });
    for (const d of dbs) await freshDatabase(s.url, d);
    roleUrl = asRole(withDatabase(s.url, dbs[0]!), ROLE, "budget-pw");
  });
  afterEach(async () => {
    await closeAllPools();
    markReachable(server);
    // Settings of one test must not leak into the next.
    for (const k of ["PGWARDEN_POOL_MAX", "PGWARDEN_POOL_IDLE_MS", "PGWARDEN_POOL_WAIT_MS", "PGWARDEN_POOL_QUEUE_MAX", "PGWARDEN_STATEMENT_TIMEOUT_MS"]) delete process.env[k];
  });
  afterAll(closeAllPools);

  test("at most PGWARDEN_POOL_MAX connections to the server, all its databases together", async () => {
    await useServers([{ id: server, url: roleUrl }], { PGWARDEN_POOL_MAX: "2", PGWARDEN_POOL_IDLE_MS: "10000" });
    // 30 concurrent reads over 3 databases; each counts, from inside, the console's connections.
    const seen = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        read({ server, database: dbs[i % 3] }, async (db) => {
          await db.query("SELECT pg_sleep(0.05)");
          const { rows } = await db.query(`SELECT count(*)::int AS n, current_database() AS d FROM pg_stat_activity WHERE usename = $1 AND application_name = 'pgwarden'`, [ROLE]);
          return { n: rows[0].n as number, d: rows[0].d as string, open: openConnections(server) };
        }),
      ),
    );
    expect(new Set(seen.map((x) => x.d))).toEqual(new Set(dbs)); // every database was served
    expect(Math.max(...seen.map((x) => x.n))).toBeLessThanOrEqual(2);
    expect(Math.max(...seen.map((x) => x.open))).toBeLessThanOrEqual(2);
    expect(Math.max(...seen.map((x) => x.n))).toBeGreaterThanOrEqual(1);
  });

  test("idle connections are closed after PGWARDEN_POOL_IDLE_MS (10 s by default)", async () => {
    await useServers([{ id: server, url: roleUrl }], { PGWARDEN_POOL_MAX: "3", PGWARDEN_POOL_IDLE_MS: "400" });
    await Promise.all([0, 1, 2].map((i) => read({ server, database: dbs[i] }, (db) => db.query("SELECT pg_sleep(0.05)"))));
    // Counted in-process, with no await in between: a loaded machine can let 400 ms pass before a
    // query to pg_stat_activity returns, and the connections would rightly be gone already.
    expect(openConnections(server)).toBeGreaterThanOrEqual(1);
    await waitFor(async () => (await consoleConnections()) === 0, "the console's idle connections to close", 5_000);
    expect(openConnections(server)).toBe(0);
    delete process.env.PGWARDEN_POOL_IDLE_MS;
    await useServers([{ id: server, url: roleUrl }]);
    const { env } = await import("@/lib/config/env");
    expect(env().PGWARDEN_POOL_IDLE_MS).toBe(10_000);
  });

  test("a used-up budget answers 503 'console busy', bounded in time and queue length, and never marks the server unreachable", async () => {
    await useServers([{ id: server, url: roleUrl }], { PGWARDEN_POOL_MAX: "1", PGWARDEN_POOL_WAIT_MS: "300", PGWARDEN_POOL_QUEUE_MAX: "2" });
    const long = read({ server }, (db) => db.query("SELECT pg_sleep(1.5)"));
    await waitFor(async () => openConnections(server) === 1, "the only connection in use");
    const t0 = Date.now();
    const waiters = [read({ server }, (db) => db.query("SELECT 1")), read({ server }, (db) => db.query("SELECT 1"))];
    let waitersSettled = false;
    void Promise.allSettled(waiters).then(() => (waitersSettled = true));
    const third = await read({ server }, (db) => db.query("SELECT 1")).catch((e) => e);
    expect(third).toBeInstanceOf(DbError);
    expect(third.code).toBe("console_busy");
    // The queue is full: refused at once, while the two queued still wait (an order, not a clock,
    // so a stalled machine cannot fail it).
    expect(waitersSettled).toBe(false);
    for (const w of await Promise.allSettled(waiters)) {
      expect(w.status).toBe("rejected");
      expect((w as PromiseRejectedResult).reason.code).toBe("console_busy");
    }
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(serverUnreachableSince(server)).toBeUndefined();
    const res = errorResponse(third, server);
    expect(res.status).toBe(503);
    const body = await res.json();
    expect(body.error.code).toBe("console_busy");
    expect(body.error.message).toMatch(/console is busy/);
    expect(body.error.unreachableSince).toBeUndefined();
    await long;
    // the connection is back: the next request is served
    expect((await read({ server }, (db) => db.query("SELECT 1 AS x"))).rows[0].x).toBe(1);
  });

  test("a hung server is given up at statement_timeout + 1 s and marked unreachable", async () => {
    const proxy = await freezableProxy(s.port);
    try {
      const viaProxy = new URL(roleUrl);
      viaProxy.port = String(proxy.port);
      await useServers([{ id: server, url: viaProxy.toString() }], { PGWARDEN_STATEMENT_TIMEOUT_MS: "1000" });
      expect((await read({ server }, (db) => db.query("SELECT 1 AS x"))).rows[0].x).toBe(1);
      proxy.freeze();
      const t0 = Date.now();
      const err = await read({ server }, (db) => db.query("SELECT 1")).catch((e) => e);
      const ms = Date.now() - t0;
      expect(err).toBeInstanceOf(DbError);
      expect(err.code).toBe("unreachable");
      expect(ms).toBeGreaterThanOrEqual(1_900);
      expect(ms).toBeLessThan(3_500); // not statement_timeout + 5 s, not TCP's minutes
      expect(serverUnreachableSince(server)).toBeDefined();
    } finally {
      await closeAllPools();
      await proxy.close();
    }
  });
});
