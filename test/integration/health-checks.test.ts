// Health checks (issue 12 item 5) on PostgreSQL 18 and 14: each check fires on a situation the
// test creates and is silent once it is fixed.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChecks } from "@/lib/pg/health/report";
import type { Seeing, Tx } from "@/lib/pg/health/types";
import { closeAllPools } from "@/lib/pg/pools";
import type { HealthFinding } from "@/lib/schemas/health";
import { useServers } from "../helpers/app-env";
import { connect, freshDatabase, pgServers, waitFor, waitForSession } from "../helpers/pg";

const servers = pgServers();
const DB = "health_checks";
const id = (major: number) => `hc${major}`;

beforeAll(async () => {
  for (const s of servers) await freshDatabase(s.url, DB);
  await useServers(servers.map((s) => ({ id: id(s.major), url: s.url })));
});

afterAll(async () => {
  await closeAllPools();
});

/** The checks through a plain client, one transaction per call, as the console's read() does. */
function txOf(c: pg.Client): Tx {
  return async (fn) => {
    await c.query("BEGIN READ ONLY");
    try {
      const r = await fn(c);
      await c.query("COMMIT");
      return r;
    } catch (err) {
      await c.query("ROLLBACK");
      throw err;
    }
  };
}

describe.each(servers)("health checks on PostgreSQL $major", (s) => {
  const url = s.url.replace(/\/[^/?]*(\?|$)/, `/${DB}$1`);
  let c: pg.Client;
  let seeing: Seeing;
  beforeAll(async () => {
    c = await connect(url, "it-health");
    seeing = { role: "postgres", allStats: true, versionNum: Number((await c.query("SHOW server_version_num")).rows[0].server_version_num), database: DB };
  });
  afterAll(async () => {
    await c.end();
  });
  const run = async (only: string[], thresholds = {}, client = c) => {
    const r = await runChecks(txOf(client), seeing, thresholds, only);
    expect(r.checks.every((x) => x.status !== "failed"), JSON.stringify(r.checks)).toBe(true);
    const ids = r.findings.map((f) => f.id);
    expect(ids.filter((x, i) => ids.indexOf(x) !== i), "findings with the same id").toEqual([]);
    return r.findings;
  };
  const find = (fs: HealthFinding[], check: string, subject?: string) => fs.find((f) => f.check === check && (!subject || f.id === `${check}:${subject}`));

  it("a sequence at 95 % of its int column (a bigint sequence) is critical, and silent once the column is bigint", async () => {
    await c.query(`CREATE TABLE hc_orders (id int PRIMARY KEY, note text)`);
    await c.query(`CREATE SEQUENCE hc_orders_seq AS bigint OWNED BY hc_orders.id`);
    await c.query(`ALTER TABLE hc_orders ALTER id SET DEFAULT nextval('hc_orders_seq')`);
    await c.query(`SELECT setval('hc_orders_seq', 2040109465)`); // 95 % of 2^31 - 1
    await c.query(`CREATE SEQUENCE hc_fine_seq AS bigint`);
    await c.query(`SELECT setval('hc_fine_seq', 2040109465)`); // no int column: far from bigint's max
    const f = find(await run(["sequences"], { sequenceBatch: 1 }), "sequence_exhaustion", "public.hc_orders_seq");
    expect(f).toMatchObject({ severity: "critical", database: DB });
    expect(f!.title).toContain("95.0 %");
    expect(f!.evidence.join(" ")).toContain("public.hc_orders.id (integer)");
    expect(f!.fix).toContain(`ALTER TABLE "public"."hc_orders" ALTER COLUMN "id" TYPE bigint`);
    expect(find(await run(["sequences"]), "sequence_exhaustion", "public.hc_fine_seq")).toBeUndefined();

    await c.query(`ALTER TABLE hc_orders ALTER id TYPE bigint`);
    expect(find(await run(["sequences"]), "sequence_exhaustion", "public.hc_orders_seq")).toBeUndefined();
  });

  it("an idle-in-transaction session holding back VACUUM is named with its pid, and silent once it ends", async () => {
    await c.query(`CREATE TABLE hc_churn (id int)`);
    await c.query(`INSERT INTO hc_churn SELECT generate_series(1, 1000)`);
    const holder = await connect(url, "it-health-holder");
    try {
      await holder.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
      await holder.query("SELECT count(*) FROM hc_churn");
      await c.query(`DELETE FROM hc_churn`);
      const seen = await waitForSession(url, "it-health-holder", { state: "idle in transaction" });
      const f = await waitFor(async () => find(await run(["xmin_horizon"], { idleInTransactionSeconds: 0 }), "idle_in_transaction", String(seen.pid)), "idle in transaction finding");
      expect(f.title).toContain(`pid ${seen.pid}`);
      expect(f.fix).toContain(`pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ${seen.pid} AND backend_start =`);
      // With the default (60 s) a session idle for a moment is not a finding.
      expect(find(await run(["xmin_horizon"]), "idle_in_transaction", String(seen.pid))).toBeUndefined();
      await holder.query("ROLLBACK");
      expect(find(await run(["xmin_horizon"], { idleInTransactionSeconds: 0 }), "idle_in_transaction", String(seen.pid))).toBeUndefined();
    } finally {
      await holder.end();
    }
  });

  it("wraparound: the oldest table and its database fire with the threshold lowered, and are silent after VACUUM FREEZE", async () => {
    // Its own session, not the shared one: should it time out (it waits on the whole cluster), the
    // failed-test guard terminates this session and its still-running body cannot touch the next test's.
    const c = await connect(url, "it-health-wraparound");
    // With a TOAST table, as old as the table: still one finding (the older of the two speaks).
    await c.query(`CREATE TABLE hc_old (id int, note text)`);
    await c.query(`INSERT INTO hc_old VALUES (1, repeat('x', 10))`);
    for (let i = 0; i < 500; i++) await c.query(`SELECT txid_current()`); // an XID each
    // Every other table (and TOAST table) frozen young: hc_old alone is then ≥ 500 transactions old.
    // VACUUM can freeze only up to the oldest snapshot in the WHOLE cluster, and other test files
    // (and their stores, on this cluster) hold snapshots for a moment: freeze again until every
    // other relation really is young, right before each run.
    const freezeAllBut = (kept: string) =>
      waitFor(async () => {
        const others = (await c.query(`SELECT oid::regclass::text AS t FROM pg_class WHERE relkind IN ('r', 'm') AND relname <> $1`, [kept])).rows;
        for (const o of others) await c.query(`VACUUM (FREEZE) ${o.t}`);
        const { rows } = await c.query(
          `SELECT max(greatest(age(c.relfrozenxid), mxid_age(c.relminmxid)))::int AS age
             FROM pg_class c LEFT JOIN pg_class owner ON owner.reltoastrelid = c.oid
            WHERE c.relkind IN ('r', 'm', 't') AND c.relfrozenxid <> '0'::xid AND coalesce(owner.relname, c.relname) <> $1`,
          [kept],
        );
        return rows[0].age < 100;
      }, "every other relation frozen", 60_000, 200);
    const lowered = { xidAgeWarning: 400 };
    await freezeAllBut("hc_old");
    const fired = await run(["oldest_tables", "wraparound"], lowered, c);
    expect(fired.filter((x) => x.check === "table_wraparound").map((x) => x.id)).toEqual(["table_wraparound:public.hc_old"]);
    expect(find(fired, "table_wraparound", "public.hc_old")?.fix).toBe(`VACUUM (FREEZE, VERBOSE) "public"."hc_old";`);
    expect(find(fired, "xid_wraparound", DB)).toMatchObject({ severity: "warning", database: DB });
    await freezeAllBut("");
    const fixed = await run(["oldest_tables", "wraparound"], lowered, c);
    expect(fixed.filter((x) => x.check === "table_wraparound")).toEqual([]);
    expect(find(fixed, "xid_wraparound", DB)).toBeUndefined();
    // At the default thresholds a fresh cluster is nowhere near.
    expect((await run(["oldest_tables", "wraparound"], {}, c)).filter((x) => x.check.endsWith("wraparound"))).toEqual([]);
    await c.end();
  });

  it("an invalid index left by a failed CREATE INDEX CONCURRENTLY, and a table with autovacuum disabled", async () => {
    await c.query(`CREATE TABLE hc_dup (v int) WITH (autovacuum_enabled = false)`);
    await c.query(`INSERT INTO hc_dup VALUES (1), (1)`);
    await expect(c.query(`CREATE UNIQUE INDEX CONCURRENTLY hc_dup_v ON hc_dup (v)`)).rejects.toThrow();
    const fs = await run(["invalid_indexes", "vacuum"]);
    expect(find(fs, "invalid_index", "public.hc_dup_v")?.fix).toContain(`DROP INDEX CONCURRENTLY "public"."hc_dup_v"`);
    expect(find(fs, "autovacuum_disabled", "public.hc_dup")?.fix).toBe(`ALTER TABLE "public"."hc_dup" RESET (autovacuum_enabled);`);
    await c.query(`DROP INDEX hc_dup_v`);
    await c.query(`ALTER TABLE hc_dup RESET (autovacuum_enabled)`);
    const after = await run(["invalid_indexes", "vacuum"]);
    expect(find(after, "invalid_index", "public.hc_dup_v")).toBeUndefined();
    expect(find(after, "autovacuum_disabled", "public.hc_dup")).toBeUndefined();
  });

  it("missing timeouts name the ALTER DATABASE and ALTER ROLE lines; silent once set", async () => {
    await c.query(`DROP ROLE IF EXISTS hc_app`);
    await c.query(`CREATE ROLE hc_app LOGIN`);
    try {
      const f = find(await run(["timeouts"]), "timeout_unset", "idle_in_transaction_session_timeout");
      expect(f?.fix).toContain(`ALTER DATABASE "${DB}" SET idle_in_transaction_session_timeout = '60s';`);
      expect(f?.fix).toContain(`ALTER ROLE "hc_app" SET idle_in_transaction_session_timeout = '60s';`);
      await c.query(`ALTER DATABASE ${DB} SET idle_in_transaction_session_timeout = '60s'`);
      expect(find(await run(["timeouts"]), "timeout_unset", "idle_in_transaction_session_timeout")).toBeUndefined();
    } finally {
      await c.query(`ALTER DATABASE ${DB} RESET idle_in_transaction_session_timeout`);
      await c.query(`DROP ROLE hc_app`);
    }
  });
});
