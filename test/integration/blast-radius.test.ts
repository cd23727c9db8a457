import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintSql } from "@/lib/lint";
import { lintForServer } from "@/lib/lint/server";
import { blastRadius, serverVersionNum } from "@/lib/pg/blast-radius";
import { closeAllPools } from "@/lib/pg/pools";
import { useServers } from "../helpers/app-env";
import { connect, freshDatabase, pgServers, runInBackground, waitForSession } from "../helpers/pg";

const servers = pgServers();
const DB = "blast_radius_test";
const urls = new Map<number, string>();

beforeAll(async () => {
  for (const s of servers) {
    const url = await freshDatabase(s.url, DB);
    urls.set(s.major, url);
    const c = await connect(url);
    await c.query(`
      CREATE SCHEMA a; CREATE SCHEMA b;
      CREATE TABLE a.t (id int); CREATE TABLE b.t (id int);
      CREATE TABLE "MixedCase" (id int);
      CREATE TABLE orders (id bigint PRIMARY KEY, note text);
      INSERT INTO orders SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g;`);
    await c.query("VACUUM ANALYZE orders"); // reltuples and relpages, as autovacuum would set them
    await c.end();
  }
  await useServers(servers.map((s) => ({ id: `pg${s.major}`, url: s.url })));
});

afterAll(async () => {
  await closeAllPools();
});

/** A session that keeps `sql` running or its locks held until the test ends it. */
async function holder(url: string, app: string, sql: string, opts: { state?: string; waiting?: boolean } = { state: "idle in transaction" }): Promise<{ client: pg.Client; pid: number }> {
  const client = await connect(url, app);
  void runInBackground(client, sql);
  const { pid } = await waitForSession(url, app, opts);
  return { client, pid };
}

describe.each(servers.map((s) => [s.major, s] as const))("blast radius on PostgreSQL %i", (major) => {
  const url = () => urls.get(major)!;

  it("reads the server version", async () => {
    const c = await connect(url());
    try {
      const v = await serverVersionNum(c);
      expect(Math.floor(v / 10000)).toBe(major);
    } finally {
      await c.end();
    }
  });

  it("resolves names like the migration would, with size, rows and the sessions using each table", async () => {
    const reader = await holder(url(), `blast-reader-${major}`, "BEGIN; SELECT count(*) FROM orders;");
    const observer = await connect(url());
    try {
      await observer.query("SET search_path = b, a, public");
      const entries = await blastRadius(observer, [
        { name: "orders", lock: "ACCESS EXCLUSIVE" },
        { name: "t", lock: "SHARE" },
        { schema: "a", name: "t", lock: "SHARE" },
        { name: "MixedCase", lock: "ACCESS EXCLUSIVE" },
        { name: "no_such_table", lock: "ACCESS EXCLUSIVE" },
        { schema: "no_such_schema", name: "orders", lock: "ACCESS EXCLUSIVE" },
      ]);
      const [orders, t, at, mixed, missing, badSchema] = entries;
      expect(orders).toMatchObject({ found: true, resolvedSchema: "public", relkind: "r", estimatedRows: 5000, sizeExact: true });
      expect(orders?.totalBytes).toBeGreaterThan(500_000); // 5000 rows of ~130 bytes, plus the primary key index
      expect(orders?.sessions).toContainEqual(
        expect.objectContaining({ pid: reader.pid, mode: "AccessShareLock", granted: true, state: "idle in transaction", applicationName: `blast-reader-${major}` }),
      );
      const { rows } = await observer.query("SELECT pg_backend_pid() AS pid");
      expect(orders?.sessions.map((s) => s.pid)).not.toContain(rows[0].pid);
      expect(orders?.sessions[0]?.xactAgeSeconds).toBeGreaterThanOrEqual(0);
      // Unqualified: first match on the search_path (b before a); qualified: exactly that schema.
      expect(t).toMatchObject({ found: true, resolvedSchema: "b", sessions: [] });
      expect(at).toMatchObject({ found: true, resolvedSchema: "a" });
      expect(mixed).toMatchObject({ found: true, resolvedSchema: "public", table: { name: "MixedCase" } });
      expect(missing).toMatchObject({ found: false, resolvedSchema: null, totalBytes: null, sessions: [] });
      expect(badSchema).toMatchObject({ found: false });
    } finally {
      await reader.client.end();
      await observer.end();
    }
  });

  it("does not wait behind an ACCESS EXCLUSIVE lock: size is estimated, holder and waiter are listed", async () => {
    const locker = await holder(url(), `blast-locker-${major}`, "BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE;");
    const waiter = await holder(url(), `blast-waiter-${major}`, "SELECT count(*) FROM orders", { state: "active", waiting: true });
    const observer = await connect(url());
    try {
      // The console's sessions run with a short lock_timeout: waiting on the table would fail the read.
      await observer.query("SET lock_timeout = '300ms'");
      const [orders] = await blastRadius(observer, [{ name: "orders", lock: "ACCESS EXCLUSIVE" }]);
      expect(orders).toMatchObject({ found: true, sizeExact: false, estimatedRows: 5000 });
      expect(orders?.totalBytes).toBeGreaterThan(500_000);
      expect(orders?.sessions).toContainEqual(expect.objectContaining({ pid: locker.pid, mode: "AccessExclusiveLock", granted: true }));
      expect(orders?.sessions).toContainEqual(expect.objectContaining({ pid: waiter.pid, mode: "AccessShareLock", granted: false }));
    } finally {
      await locker.client.end(); // ends the transaction, which lets the waiter finish
      await waiter.client.end();
      await observer.end();
    }
  });

  it("lintForServer uses the server's version and adds the blast radius for the named database", async () => {
    const sql = "BEGIN; ALTER TABLE orders ADD COLUMN flag int NOT NULL; CREATE TABLE fresh (id bigint); ALTER TABLE fresh ADD COLUMN x int NOT NULL; ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok'; COMMIT;";
    const res = await lintForServer(`pg${major}`, { sql, db: DB });
    expect(Math.floor(res.serverVersionNum / 10000)).toBe(major);
    expect(res.database).toBe(DB);
    // The table created in the file is neither linted nor measured.
    expect(res.blastRadius?.map((e) => e.table.name)).toEqual(["orders"]);
    expect(res.blastRadius?.[0]).toMatchObject({ found: true, lock: "ACCESS EXCLUSIVE", estimatedRows: 5000 });
    expect(res.findings.filter((f) => f.rule === "add-column-required").map((f) => f.tables)).toEqual([[{ name: "orders" }]]);
    // Same file, same rules as the offline linter for that version.
    expect(res.findings).toEqual((await lintSql(sql, { serverVersionNum: res.serverVersionNum })).findings);

    const noDb = await lintForServer(`pg${major}`, { sql });
    expect(noDb.blastRadius).toBeNull();
    expect(noDb.database).toBeNull();
  });
});
