// Issue 9 item 3: a connection storm takes every ordinary slot (max_connections). On 16+ the
// console, a non-superuser role with pg_use_reserved_connections, still lists sessions and
// terminates one, and a superuser can still connect; a superuser console takes at most ONE
// reserved slot; without a way in, the error says so plainly with the exact fix.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { startCluster, type Cluster, type Major } from "@/lib/embedded/cluster";
import { ALL_KEYS } from "@/lib/pg/cache-keys";
import { invalidateReads } from "@/lib/pg/cache";
import { serverUnreachableSince } from "@/lib/pg/health";
import { openConnections } from "@/lib/pg/pools";
import { read } from "@/lib/pg/run";
import type { ActivityResponse } from "@/lib/schemas/activity";
import type { ServerInfoResponse } from "@/lib/schemas/server-info";
import { pgServers, waitFor } from "../helpers/pg";
import { asRole, withClient } from "../helpers/storage-fixtures";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole as pointConsoleAt } from "../helpers/store";

const ROUTES = {
  activity: () => import("@/app/api/servers/[server]/activity/route"),
  terminate: () => import("@/app/api/servers/[server]/activity/terminate/route"),
  info: () => import("@/app/api/servers/[server]/server-info/route"),
};

// Small on purpose: 20 slots, of which 2 for superusers and (16+) 2 for pg_use_reserved_connections.
const SETTINGS = { max_connections: 20, superuser_reserved_connections: 2 };

async function client(url: string, app: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, application_name: app });
  c.on("error", () => {});
  await c.connect();
  return c;
}

describe.each([18, 14] as Major[])("connection storm on PG %i", (major) => {
  let cluster: Cluster;
  let storm: pg.Client[] = [];
  const appUrl = () => asRole(cluster.url(), "storm_app", "app-pw");
  const consoleUrl = (role: string) => asRole(cluster.url(), role, "console-pw");

  /** Opens application connections until PostgreSQL refuses one (53300): every ordinary slot taken. */
  async function fillSlots() {
    for (;;) {
      try {
        storm.push(await client(appUrl(), "storm-app"));
      } catch (err) {
        expect((err as { code?: string }).code).toBe("53300");
        return;
      }
      if (storm.length > 40) throw new Error("max_connections was not reached");
    }
  }
  async function endStorm() {
    await Promise.all(storm.map((c) => c.end().catch(() => {})));
    storm = [];
    // wait until the server has let the backends go
    await waitUntilFree();
  }
  async function waitUntilFree() {
    for (let i = 0; i < 100; i++) {
      const n = await withClient(cluster.url(), async (c) => Number((await c.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE usename = 'storm_app'`)).rows[0].n)).catch(() => 99);
      if (n === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  async function consoleAs(role: string) {
    // The store lives on the shared test server: the storm must not starve the console's own database.
    await pointConsoleAt({ storeServerUrl: pgServers()[0]!.url, storeName: `storm_store_${major}_${role}`, servers: [{ id: "storm", url: consoleUrl(role) }] });
    await addUser("admin1", "admin");
    return signIn("admin1");
  }
  const consoleBackends = () =>
    withClient(cluster.url(), async (c) => Number((await c.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'pgwarden'`)).rows[0].n));

  beforeAll(async () => {
    const settings = major >= 16 ? { ...SETTINGS, reserved_connections: 2 } : SETTINGS;
    cluster = await startCluster({ major, settings });
    await withClient(cluster.url(), async (c) => {
      await c.query(`CREATE ROLE storm_app LOGIN PASSWORD 'app-pw'`);
      await c.query(`CREATE ROLE storm_console LOGIN PASSWORD 'console-pw' IN ROLE pg_monitor, pg_signal_backend`);
      if (major >= 16) await c.query(`GRANT pg_use_reserved_connections TO storm_console`);
      await c.query(`CREATE ROLE storm_plain LOGIN PASSWORD 'console-pw' IN ROLE pg_monitor, pg_signal_backend`);
      await c.query(`CREATE ROLE storm_super LOGIN SUPERUSER PASSWORD 'console-pw'`);
    });
  });
  afterEach(async () => {
    await teardownTestConsole();
    await endStorm();
  });
  afterAll(async () => {
    await cluster?.destroy();
  });

  // reserved_connections and pg_use_reserved_connections exist from 16 on; 14's case is the 53300 test below.
  if (major >= 16) test("the console (pg_use_reserved_connections) lists sessions and terminates one; a superuser still connects", async () => {
    const cookie = await consoleAs("storm_console");
    await fillSlots();
    expect(storm.length).toBe(16); // 20 − 2 superuser − 2 reserved
    invalidateReads(ALL_KEYS);
    const res = await callRoute(await ROUTES.activity(), "GET", "/api/servers/storm/activity", { cookie, params: { server: "storm" } });
    expect(res.status).toBe(200);
    const activity = (await res.json()) as ActivityResponse;
    const apps = activity.sessions.filter((x) => x.application === "storm-app");
    expect(apps.length).toBe(16);
    const victim = apps[0]!;
    const term = await callRoute(await ROUTES.terminate(), "POST", "/api/servers/storm/activity/terminate", {
      cookie,
      params: { server: "storm" },
      body: { sessions: [{ pid: victim.pid, backendStartUs: victim.backendStartUs }], requestId: randomUUID(), confirm: "terminate" },
    });
    expect(term.status).toBe(200);
    expect((await term.json()).outcomes[0].outcome).toBe("terminated");
    expect(await consoleBackends()).toBeLessThanOrEqual(1);
    // The DBA's own superuser session still gets in.
    const dba = await client(cluster.url(), "storm-dba");
    await dba.end();
    const info = (await (await callRoute(await ROUTES.info(), "GET", "/api/servers/storm/server-info", { cookie, params: { server: "storm" } })).json()) as ServerInfoResponse;
    const reserved = info.capabilities.find((x) => x.id === "reserved_connections")!;
    expect(reserved.ok).toBe(true);
    expect(reserved.detail).toContain("has pg_use_reserved_connections");
  });

  test("a superuser console keeps at most ONE reserved slot, so the DBA's psql still connects", async () => {
    const cookie = await consoleAs("storm_super");
    await fillSlots();
    // Many concurrent pages at once: the console may use 3 connections, but only one reserved slot.
    const observed: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 8 }, async () => {
        invalidateReads(ALL_KEYS);
        const r = await callRoute(await ROUTES.activity(), "GET", "/api/servers/storm/activity", { cookie, params: { server: "storm" } });
        observed.push(((await r.json()) as ActivityResponse).sessions.filter((x) => x.application === "pgwarden").length);
        return r.status;
      }),
    );
    expect(results.every((s) => s === 200)).toBe(true);
    expect(Math.max(...observed)).toBeLessThanOrEqual(1);
    expect(Math.max(...observed)).toBe(1);
    // While the console is busy with 4 reads at once (3 allowed by PGWARDEN_POOL_MAX), the DBA
    // connects: 14 keeps only 2 slots for superusers, the console takes one of them at most.
    let dbaConnected = false;
    const busy = Array.from({ length: 4 }, () =>
      read({ server: "storm" }, async (db) => {
        await db.query("SELECT pg_sleep(0.3)");
        return Number((await db.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'pgwarden'`)).rows[0].n);
      }),
    );
    await waitFor(async () => openConnections("storm") >= 1, "the console connected");
    const dba = await client(cluster.url(), "storm-dba");
    dbaConnected = true;
    await dba.end();
    expect(Math.max(...(await Promise.all(busy)))).toBe(1);
    expect(dbaConnected).toBe(true);
  });

  test("without a reserve for its role the page says plainly that the server is out of slots, with the exact fix", async () => {
    const cookie = await consoleAs("storm_plain");
    await fillSlots();
    invalidateReads(ALL_KEYS);
    const res = await callRoute(await ROUTES.activity(), "GET", "/api/servers/storm/activity", { cookie, params: { server: "storm" } });
    expect(res.status).toBe(503);
    const { error } = await res.json();
    expect(error.code).toBe("too_many_connections");
    expect(error.sqlstate).toBe("53300");
    expect(error.message).toContain("no free connection slots");
    if (major >= 16) {
      expect(error.fix).toBe('GRANT pg_use_reserved_connections TO "storm_plain";');
      expect(error.message).toContain('GRANT pg_use_reserved_connections TO "storm_plain";');
    } else {
      expect(error.message).toContain("Before PostgreSQL 16 only superusers have reserved slots (superuser_reserved_connections)");
      expect(error.fix).toContain("ALTER SYSTEM SET reserved_connections = 3;");
    }
    expect(serverUnreachableSince("storm")).toBeUndefined(); // full, not unreachable
  });
});
