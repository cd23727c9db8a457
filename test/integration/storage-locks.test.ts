// Issue 9 item 5: a lock on one table never blanks Tables, Indexes or Space. Sizes of a locked
// relation are estimated from relpages and marked with the lock's pid and statement; a VACUUM
// queued behind the lock ends "blocked by pid N" and the pages stay up; a finished job re-measures
// only its relations; a table created since the snapshot is measured on first sight.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { stopJobWorker } from "@/lib/jobs/worker";
import { ALL_KEYS } from "@/lib/pg/cache-keys";
import { invalidateReads, invalidateSnapshots } from "@/lib/pg/cache";
import { measureRelations } from "@/lib/pg/size-measure";
import type { Job } from "@/lib/schemas/jobs";
import type { IndexesResponse, SpaceResponse, TablesResponse } from "@/lib/schemas/storage";
import { connect, freshDatabase, pgServers, waitFor, waitForSession } from "../helpers/pg";
import { oidOf, withClient } from "../helpers/storage-fixtures";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

const ROUTES = {
  tables: () => import("@/app/api/servers/[server]/tables/route"),
  indexes: () => import("@/app/api/servers/[server]/indexes/route"),
  space: () => import("@/app/api/servers/[server]/space/route"),
  vacuum: () => import("@/app/api/servers/[server]/jobs/vacuum/route"),
  "vacuum-full": () => import("@/app/api/servers/[server]/jobs/vacuum-full/route"),
  job: () => import("@/app/api/servers/[server]/jobs/[job]/route"),
};

const TABLES = 200;

function coldCaches() {
  invalidateReads(ALL_KEYS);
  invalidateSnapshots(ALL_KEYS);
}

describe.each(pgServers())("storage pages under a lock on PG $major", (s) => {
  const server = `pglk${s.major}`;
  const dbName = `storage_locks_${s.major}`;
  let url: string;
  let c: pg.Client;
  let cookie: string;

  async function get<T>(name: "tables" | "indexes" | "space", search: string): Promise<{ status: number; body: T; ms: number }> {
    const mod = await ROUTES[name]();
    const t0 = Date.now();
    const res = await callRoute(mod, "GET", `/api/servers/${server}/${name}`, { cookie, params: { server }, search: `?db=${dbName}&${search}` });
    const ms = Date.now() - t0;
    return { status: res.status, body: (await res.json()) as T, ms };
  }
  /**
   * Tables answers a cold database at once with a page measured alone (sizesPending); Space waits
   * for the size snapshot, so after this the next Tables read comes from it.
   */
  async function tablesFromSnapshot(search: string): Promise<TablesResponse> {
    await get<SpaceResponse>("space", "top=1");
    const body = (await get<TablesResponse>("tables", search)).body;
    expect(body.sizesPending).toBeUndefined();
    return body;
  }
  async function allPages() {
    const tables = await get<TablesResponse>("tables", "limit=500&sort=name&dir=asc");
    const indexes = await get<IndexesResponse>("indexes", "limit=500&sort=name&dir=asc");
    const space = await get<SpaceResponse>("space", "top=200");
    return { tables, indexes, space };
  }
  async function job(id: number): Promise<Job> {
    const res = await callRoute(await ROUTES.job(), "GET", `/api/servers/${server}/jobs/${id}`, { cookie, params: { server, job: String(id) } });
    return (await res.json()).job;
  }
  const finished = (id: number) => waitFor(async () => ((await job(id)).state === "done" ? job(id) : null), `job ${id} done`, 60_000, 100);

  /** A session holding ACCESS EXCLUSIVE on `table` in an open transaction. */
  async function holdExclusive(table: string) {
    const holder = await connect(url, `storage-locks-holder-${s.major}`);
    await holder.query("BEGIN");
    await holder.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
    const pid = (holder as pg.Client & { processID: number }).processID; // no other statement: the lock's is the last
    return { pid, release: async () => (await holder.query("ROLLBACK"), await holder.end()) };
  }

  beforeAll(async () => {
    url = await freshDatabase(s.url, dbName);
    await withClient(url, async (w) => {
      await w.query(`DO $$ BEGIN FOR i IN 1..${TABLES} LOOP
                       EXECUTE format('CREATE TABLE t_%s (id int PRIMARY KEY, v text)', lpad(i::text, 3, '0'));
                       EXECUTE format('INSERT INTO t_%s SELECT g, md5(g::text) FROM generate_series(1, 200) g', lpad(i::text, 3, '0'));
                     END LOOP; END $$`);
      await w.query("ANALYZE"); // relpages, the estimate for a locked table
    });
    await useTestConsole({ storeServerUrl: s.url, storeName: `storage_locks_store_${s.major}`, servers: [{ id: server, url: s.url }] });
    await addUser("admin1", "admin");
    cookie = await signIn("admin1");
    c = await connect(url);
    await allPages(); // loads the route modules and opens the store: not what the 2 s are about
  });
  afterAll(async () => {
    await stopJobWorker();
    await c?.end();
    await teardownTestConsole();
  });

  test("ACCESS EXCLUSIVE on 1 of 200 tables: Tables, Indexes and Space answer 200 within 2 s, that table marked with the pid and statement", async () => {
    const lock = await holdExclusive("t_042");
    try {
      coldCaches();
      const { tables, indexes, space } = await allPages();
      for (const [name, r] of Object.entries({ tables, indexes, space })) {
        expect(r.status, `${name}: ${JSON.stringify(r.body).slice(0, 300)}`).toBe(200);
        expect(r.ms, name).toBeLessThan(2_000);
      }
      expect(tables.body.total).toBe(TABLES);
      const locked = tables.body.rows.find((r) => r.name === "t_042")!;
      expect(locked.sizeExact).toBe(false);
      expect(locked.lock).toMatchObject({ pid: lock.pid, granted: true });
      expect(locked.lock!.note).toContain(`locked by pid ${lock.pid}`);
      expect(locked.lock!.note).toContain("LOCK TABLE t_042 IN ACCESS EXCLUSIVE MODE");
      const relpages = (await c.query(`SELECT relpages FROM pg_class WHERE relname = 't_042'`)).rows[0].relpages as number;
      expect(relpages).toBeGreaterThan(0);
      expect(locked.heapBytes).toBe(relpages * 8192); // the estimate, never 0 B and never a wait
      const others = tables.body.rows.filter((r) => r.name !== "t_042");
      expect(others.every((r) => r.sizeExact && r.lock === null && r.totalBytes > 0)).toBe(true);

      const pkey = indexes.body.rows.find((r) => r.name === "t_042_pkey")!;
      expect(pkey.lock?.pid).toBe(lock.pid);
      expect(pkey.definition).toBe(""); // pg_get_indexdef would wait for the table
      expect(pkey.sizeBytes).toBeGreaterThan(0); // the index itself is not locked: measured
      expect(pkey.sizeExact).toBe(true);
      expect(indexes.body.rows.find((r) => r.name === "t_041_pkey")!.definition).toContain("CREATE UNIQUE INDEX t_041_pkey");

      const top = space.body.topTables.find((t) => t.name === "t_042")!;
      expect(top.lock?.pid).toBe(lock.pid);
      expect(top.sizeExact).toBe(false);
    } finally {
      await lock.release();
    }
    // Once the lock is gone the next read measures the table exactly (no minute-long wait).
    await waitFor(async () => {
      invalidateReads(ALL_KEYS);
      const r = (await get<TablesResponse>("tables", "q=t_042")).body.rows[0];
      return r?.sizeExact && r.lock === null ? r : null;
    }, "t_042 measured exactly after the lock is released");
  });

  test("a QUEUED ACCESS EXCLUSIVE (an ALTER waiting behind a reader) is marked as queued; the pages still answer", async () => {
    const reader = await connect(url, `storage-locks-reader-${s.major}`);
    const alter = await connect(url, `storage-locks-alter-${s.major}`);
    try {
      await reader.query("BEGIN");
      await reader.query("SELECT count(*) FROM t_043");
      const pending = alter.query("ALTER TABLE t_043 ADD COLUMN extra int").catch((e: Error) => e);
      const waiting = await waitForSession(url, `storage-locks-alter-${s.major}`, { waiting: true });
      coldCaches();
      const { tables, indexes, space } = await allPages();
      expect([tables.status, indexes.status, space.status]).toEqual([200, 200, 200]);
      expect(Math.max(tables.ms, indexes.ms, space.ms)).toBeLessThan(2_000);
      const row = tables.body.rows.find((r) => r.name === "t_043")!;
      expect(row.lock).toMatchObject({ pid: waiting.pid, granted: false });
      expect(row.lock!.note).toContain(`lock queued by pid ${waiting.pid}`);
      await reader.query("ROLLBACK");
      expect(await pending).not.toBeInstanceOf(Error);
    } finally {
      await reader.end();
      await alter.end();
    }
  });

  test("a lock taken between the check and the sizing: the statement fails on lock_timeout and is run again without that relation", async () => {
    const lock = await holdExclusive("t_044");
    const tx = await connect(url);
    try {
      await tx.query("BEGIN READ ONLY");
      await tx.query("SET LOCAL lock_timeout = 200");
      // The caller's lock check saw no lock (an empty map): exactly the race.
      const m = await measureRelations(tx, { locks: new Map() });
      await tx.query("COMMIT");
      const oid = await oidOf(c, "public", "t_044");
      expect(m.locks.get(oid)?.pid).toBe(lock.pid);
      const row = m.rows.find((r) => r.oid === oid)!;
      expect(row.estimated).toBe(true);
      expect(m.rows.filter((r) => r.relkind === "r" && r.name.startsWith("t_"))).toHaveLength(TABLES); // all measured, none lost
    } finally {
      await tx.end();
      await lock.release();
    }
  });

  test("a VACUUM queued on the locked table ends 'blocked by pid N'; the pages stay up and other sizes are kept", async () => {
    coldCaches();
    const before = await tablesFromSnapshot("limit=500&sort=name&dir=asc");
    const lock = await holdExclusive("t_045");
    try {
      const relid = await oidOf(c, "public", "t_045");
      const res = await callRoute(await ROUTES.vacuum(), "POST", `/api/servers/${server}/jobs/vacuum`, {
        cookie,
        params: { server },
        search: `?db=${dbName}`,
        body: { command: "vacuum", relids: [relid], lockTimeoutMs: 300 },
      });
      expect(res.status).toBe(200);
      const done = await finished((await res.json()).jobs[0].id);
      expect(done.outcome).toBe("blocked");
      expect(done.message).toContain(`pid ${lock.pid}`);
      const { tables, indexes, space } = await allPages();
      expect([tables.status, indexes.status, space.status]).toEqual([200, 200, 200]);
      expect(tables.body.sizesAt).toBe(before.sizesAt); // the snapshot was not thrown away
      const row = tables.body.rows.find((r) => r.name === "t_045")!;
      expect(row.lock?.pid).toBe(lock.pid); // re-measured after the job: still locked, still marked
      const unchanged = tables.body.rows.filter((r) => r.name !== "t_045").map((r) => [r.name, r.totalBytes]);
      expect(unchanged).toEqual(before.rows.filter((r) => r.name !== "t_045").map((r) => [r.name, r.totalBytes]));
    } finally {
      await lock.release();
    }
  });

  test("a finished job re-measures only its relations: VACUUM FULL's shrink shows at once, the snapshot is kept", async () => {
    await withClient(url, async (w) => {
      await w.query(`CREATE TABLE shrink_me (id int PRIMARY KEY, v text)`);
      await w.query(`INSERT INTO shrink_me SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g`);
      await w.query(`DELETE FROM shrink_me WHERE id > 100`);
    });
    coldCaches();
    const before = await tablesFromSnapshot("q=shrink_me");
    const big = before.rows[0]!.totalBytes;
    const res = await callRoute(await ROUTES["vacuum-full"](), "POST", `/api/servers/${server}/jobs/vacuum-full`, {
      cookie,
      params: { server },
      search: `?db=${dbName}`,
      body: { command: "vacuum_full", relids: [await oidOf(c, "public", "shrink_me")], confirm: "vacuum full" },
    });
    expect(res.status).toBe(200);
    expect((await finished((await res.json()).jobs[0].id)).outcome).toBe("ok");
    const after = (await get<TablesResponse>("tables", "q=shrink_me")).body;
    const exact = Number((await c.query(`SELECT pg_total_relation_size('shrink_me')::int8 AS b`)).rows[0].b);
    expect(after.sizesAt).toBe(before.sizesAt);
    expect(after.rows[0]!.totalBytes).toBe(exact);
    expect(exact).toBeLessThan(big);
  });

  test("a table created after the snapshot is sized on first sight, not shown as 0 B", async () => {
    coldCaches();
    await tablesFromSnapshot("limit=1"); // the snapshot is taken now, without the new table
    await withClient(url, (w) => w.query(`CREATE TABLE brand_new AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 2000) g`));
    // The next poll (per-poll reads, the newcomers check among them, last PGWARDEN_READ_TTL_MS;
    // the snapshot stays): the new table is listed, and its size comes with it.
    invalidateReads(ALL_KEYS);
    const row = (await get<TablesResponse>("tables", "q=brand_new")).body.rows[0]!;
    const exact = Number((await c.query(`SELECT pg_total_relation_size('brand_new')::int8 AS b`)).rows[0].b);
    expect(exact).toBeGreaterThan(0);
    expect(row.totalBytes).toBe(exact);
    const space = (await get<SpaceResponse>("space", "top=200")).body;
    expect(space.topTables.find((t) => t.name === "brand_new")?.totalBytes).toBe(exact);
  });
});
