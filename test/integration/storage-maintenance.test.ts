import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { cancelMaintenance, jobTag, maintenanceProgress, type JobBackend } from "@/lib/pg/job-backend";
import { runMaintenance } from "@/lib/pg/maintenance";
import type { MaintenanceProgress } from "@/lib/schemas/maintenance";
import { connect, freshDatabase, pgServers, waitFor, waitForSession } from "../helpers/pg";
import {
  asRole,
  HOSTILE_TABLE_NAMES,
  ident,
  oidOf,
  tableWithDeadRows,
  throttleVacuum,
  waitForTableStats,
  withClient,
} from "../helpers/storage-fixtures";

describe.each(pgServers())("maintenance runner on PG $major", (server) => {
  const dbName = `storage_maint_${server.major}`;
  let url: string;
  let c: pg.Client;
  const cfg = () => ({ connectionString: url });

  beforeAll(async () => {
    url = await freshDatabase(server.url, dbName);
    c = await connect(url);
    await tableWithDeadRows(url, "work", { rows: 2_000, deleteEvery: 2 });
  });
  afterAll(async () => {
    await c?.end();
  });

  /** A fresh login role that may connect to this test's database and nothing more. */
  async function loginRole(role: string, password: string): Promise<string> {
    await withClient(server.url, async (w) => {
      await w.query(`DROP ROLE IF EXISTS ${ident(role)}`);
      await w.query(`CREATE ROLE ${ident(role)} LOGIN PASSWORD '${password}'`);
      await w.query(`GRANT CONNECT ON DATABASE ${ident(dbName)} TO ${ident(role)}`);
    });
    return role;
  }

  test("VACUUM runs outside a transaction block with no statement timeout and updates last_vacuum", async () => {
    const relid = await oidOf(c, "public", "work");
    const out = await runMaintenance(cfg(), { kind: "vacuum", relid, options: { verbose: true, indexCleanup: "on" } });
    expect(out.status).toBe("ok");
    expect(out.statement).toBe(`VACUUM (VERBOSE, INDEX_CLEANUP ON) "public"."work"`);
    expect(out.notices.some((n) => /vacuuming/i.test(n.message))).toBe(true); // VERBOSE output captured
    await waitForTableStats(url, "work", (r) => r.last_vacuum !== null && r.n_dead_tup === 0, "last_vacuum set");
  });

  test("progress of a long VACUUM is observed by its pid, and the job completes", async () => {
    await tableWithDeadRows(url, "big", { rows: 40_000, deleteEvery: 2, width: 120 });
    await withClient(url, (w) => throttleVacuum(w, dbName));
    const relid = await oidOf(c, "public", "big");
    const seen: MaintenanceProgress[] = [];
    let backend: JobBackend | undefined;
    const job = runMaintenance(cfg(), { kind: "vacuum", relid }, { onStarted: (s) => void (backend = s) });
    await waitFor(async () => {
      if (!backend) return false;
      const p = await maintenanceProgress(c, backend);
      if (p.command === "vacuum") seen.push(p);
      return seen.some((s) => (s.blocksTotal ?? 0) > 0 && (s.blocksDone ?? 0) > 0);
    }, "VACUUM progress with blocks done");
    const out = await job;
    expect(out.status).toBe("ok");
    const p = seen.find((s) => (s.blocksDone ?? 0) > 0)!;
    expect(p.phase).toMatch(/heap|index/);
    expect(p.percent).toBeGreaterThan(0);
    expect(p.percent).toBeLessThanOrEqual(100);
    expect(p.blocksTotal).toBeGreaterThan(100);
    expect((await maintenanceProgress(c, backend!)).running).toBe(false);
    await withClient(url, (w) => w.query(`ALTER DATABASE ${ident(dbName)} RESET ALL`));
  });

  test("a job is cancelled only through its identity: pid, backend_start and its tagged statement", async () => {
    await withClient(url, (w) => throttleVacuum(w, dbName));
    await withClient(url, (w) => w.query(`DELETE FROM big WHERE id % 4 = 1`));
    const relid = await oidOf(c, "public", "big");
    let started: JobBackend | undefined;
    const job = runMaintenance(cfg(), { kind: "vacuum", relid }, { tag: jobTag(4242), onStarted: (s) => void (started = s) });
    await waitFor(async () => started && (await maintenanceProgress(c, started)).command === "vacuum", "vacuum running");
    expect(started!.tag).toBe("/* pgwarden job 4242 */");
    const seen = await c.query(`SELECT query FROM pg_stat_activity WHERE pid = $1`, [started!.pid]);
    expect(seen.rows[0].query).toBe(`/* pgwarden job 4242 */ VACUUM "public"."big"`);
    const wrongStart = { ...started!, backendStart: started!.backendStart.replace(/\d(?=Z$)/, (d) => String((Number(d) + 1) % 10)) };
    expect(await cancelMaintenance(c, wrongStart)).toBe("gone"); // another session with that pid
    expect(await cancelMaintenance(c, { ...started!, tag: jobTag(424) })).toBe("alive"); // same backend, not that job's statement
    expect((await maintenanceProgress(c, { ...started!, tag: jobTag(424) })).running).toBe(false);
    expect(await cancelMaintenance(c, started!)).toBe("cancelled");
    const out = await job;
    expect(out.status).toBe("cancelled");
    await withClient(url, (w) => w.query(`ALTER DATABASE ${ident(dbName)} RESET ALL`));
  });

  test("a cancel that comes before the statement is sent stops it from being sent at all", async () => {
    const relid = await oidOf(c, "public", "work");
    const out = await runMaintenance(cfg(), { kind: "vacuum", relid }, { onStarted: () => true });
    expect(out.status).toBe("cancelled");
    expect(out.message).toMatch(/nothing was run/);
    expect(out.sqlstate).toBeUndefined();
  });

  test("behind an ACCESS EXCLUSIVE lock it fails fast with the blocker's pid and leaves nothing waiting", async () => {
    const holder = await connect(url, "storage-lock-holder");
    try {
      await holder.query(`BEGIN; LOCK TABLE work IN ACCESS EXCLUSIVE MODE`);
      const { pid: holderPid } = await waitForSession(url, "storage-lock-holder", { state: "idle in transaction" });
      const relid = await oidOf(c, "public", "work");
      const t0 = Date.now();
      const out = await runMaintenance(cfg(), { kind: "vacuum", relid, lockTimeoutMs: 500 });
      expect(out.status).toBe("blocked");
      expect(out.sqlstate).toBe("55P03");
      expect(out.blockedBy).toEqual([holderPid]);
      expect(out.message).toContain(`Blocked by pid ${holderPid}`);
      expect(Date.now() - t0).toBeLessThan(5_000);
      // Only this table: other test files run beside this one and may be waiting on their own locks.
      const { rows } = await c.query(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = $1`, [relid]);
      expect(rows[0].n).toBe(0);
      const jobs = await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1`, [out.pid]);
      expect(jobs.rows[0].n).toBe(0);
    } finally {
      await holder.end();
    }
  });

  test("hostile table names are resolved by OID, quoted, and nothing else happens", async () => {
    await withClient(url, async (w) => {
      await w.query(`CREATE TABLE t (id int)`);
      for (const name of HOSTILE_TABLE_NAMES) await w.query(`CREATE TABLE ${ident(name)} (id int); INSERT INTO ${ident(name)} VALUES (1)`);
    });
    for (const name of HOSTILE_TABLE_NAMES) {
      const out = await runMaintenance(cfg(), { kind: "vacuum_analyze", relid: await oidOf(c, "public", name) });
      expect(out.status, name).toBe("ok");
      expect(out.relation?.name).toBe(name);
      expect(out.statement).toBe(`VACUUM (ANALYZE) "public".${ident(name)}`);
    }
    for (const name of HOSTILE_TABLE_NAMES) {
      await waitForTableStats(url, name, (r) => r.last_vacuum !== null && r.last_analyze !== null, `${name} vacuumed`);
    }
    const t = await c.query(`SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 't'`);
    expect(t.rows).toHaveLength(1); // t still exists
    expect(t.rows[0].last_vacuum).toBeNull(); // and was not touched
  });

  test("injected option values are rejected by the allow-list before anything runs", async () => {
    const relid = await oidOf(c, "public", "t");
    const evil = [
      { kind: "vacuum", relid, options: { bufferUsageLimit: "256kB); COPY (SELECT 1) TO PROGRAM 'id' --" } },
      { kind: "vacuum", relid, options: { parallel: "2; SELECT 1" } },
      { kind: "vacuum", relid, options: { indexCleanup: "on) ; DROP TABLE t; --" } },
      { kind: "vacuum", relid: "1; DROP TABLE t" },
      { kind: "vacuum", relid, options: { disable_page_skipping: true } },
    ];
    for (const req of evil) {
      await expect(runMaintenance(cfg(), req as never)).rejects.toThrow();
    }
    const t = await c.query(`SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 't'`);
    expect(t.rows[0].last_vacuum).toBeNull();
  });

  test("options needing a newer server are refused with the reason; allowed ones run", async () => {
    const relid = await oidOf(c, "public", "work");
    const out = await runMaintenance(cfg(), { kind: "analyze", relid, options: { bufferUsageLimit: "256 kB", skipLocked: true } });
    if (server.major >= 16) {
      expect(out.status).toBe("ok");
      expect(out.statement).toBe(`ANALYZE (SKIP_LOCKED, BUFFER_USAGE_LIMIT '256 kB') "public"."work"`);
    } else {
      expect(out.status).toBe("refused");
      expect(out.message).toMatch(/BUFFER_USAGE_LIMIT needs PostgreSQL 16/);
    }
    const reindex = await runMaintenance(cfg(), { kind: "reindex_table", relid });
    expect(reindex.status).toBe("ok");
    expect(reindex.statement).toBe(`REINDEX TABLE CONCURRENTLY "public"."work"`);
    const wrongKind = await runMaintenance(cfg(), { kind: "reindex_index", relid });
    expect(wrongKind.status).toBe("refused");
  });

  test("a non-owner without MAINTAIN is reported as skipped, not as success", async () => {
    const role = await loginRole(`storage_nobody_${server.major}`, "nobody-pw");
    const relid = await oidOf(c, "public", "work");
    const out = await runMaintenance({ connectionString: asRole(url, role, "nobody-pw") }, { kind: "vacuum", relid });
    expect(out.status).toBe("skipped");
    expect(out.message).toMatch(/skipping/);
    expect(out.notices[0]?.severity).toBe("WARNING");
  });

  test("a table the role may maintain in a schema it may not use is refused with the GRANT, nothing run", async () => {
    const role = await loginRole(`storage_owner_${server.major}`, "owner-pw");
    // The role owns the table (it may maintain it on every version) but has no USAGE on the schema.
    await c.query(`CREATE SCHEMA "Private ""Sch"""`);
    await c.query(`CREATE TABLE "Private ""Sch""".t (id int)`);
    await c.query(`ALTER TABLE "Private ""Sch""".t OWNER TO ${ident(role)}`);
    const relid = await oidOf(c, 'Private "Sch"', "t");
    const out = await runMaintenance({ connectionString: asRole(url, role, "owner-pw") }, { kind: "vacuum", relid });
    expect(out.status).toBe("refused");
    expect(out.message).toContain(`GRANT USAGE ON SCHEMA "Private ""Sch""" TO "${role}";`);
    expect(out.notices).toEqual([]);
    // With the GRANT it runs.
    await c.query(`GRANT USAGE ON SCHEMA "Private ""Sch""" TO ${ident(role)}`);
    expect((await runMaintenance({ connectionString: asRole(url, role, "owner-pw") }, { kind: "vacuum", relid })).status).toBe("ok");
  });
});
