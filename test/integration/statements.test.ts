// Queries area (issue 13) on real servers: pg_stat_statements snapshots taken by the sampler's
// statements collector, deltas over a window (a slow statement ranks first in the window it ran
// in and is absent before it), a pg_stat_statements_reset() by someone else, evictions at
// pg_stat_statements.max (a cluster of its own with max = 100), and EXPLAIN with its refusals.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { findServer } from "@/lib/config/servers";
import { startCluster, type Cluster } from "@/lib/embedded/cluster";
import { forgetStatementsCollectorState, statementsCollector } from "@/lib/monitoring/collectors/statements";
import { runCollector } from "@/lib/monitoring/run-collector";
import type { ExplainResponse, StatementDetail, StatementsResponse } from "@/lib/schemas/statements";
import { connect, freshDatabase, pgServers, withDatabase } from "../helpers/pg";
import { addUser, callRoute, signIn, teardownTestConsole, useTestConsole } from "../helpers/store";

async function snapshot(server: string): Promise<{ before: number; after: number }> {
  const before = Date.now();
  expect(await runCollector(statementsCollector, findServer(server)!)).toBe(true);
  return { before, after: Date.now() };
}

async function top(server: string, cookie: string, search: string): Promise<StatementsResponse> {
  const route = await import("@/app/api/servers/[server]/statements/route");
  const res = await callRoute(route, "GET", `/api/servers/${server}/statements`, { cookie, params: { server }, search });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json();
}

async function explain(server: string, cookie: string, queryid: string, body: unknown): Promise<Response> {
  const route = await import("@/app/api/servers/[server]/statements/[queryid]/explain/route");
  return callRoute(route, "POST", `/api/servers/${server}/statements/${queryid}/explain`, { cookie, params: { server, queryid }, body });
}

describe.each(pgServers())("statements on PG $major", (s) => {
  const server = `pss${s.major}`;
  const dbName = `statements_${s.major}`;
  const noext = `noext${s.major}`;
  let dbUrl: string;
  let work: pg.Client;
  let admin: string;
  let viewer: string;

  /** The queryid of the one statement in the test database whose text contains `marker`. */
  async function queryidOf(marker: string): Promise<string> {
    const { rows } = await work.query(
      `SELECT DISTINCT queryid::text AS q FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND query LIKE '%' || $1 || '%' AND query NOT LIKE '%pg_stat_statements%' AND query NOT LIKE 'EXPLAIN%'`,
      [marker],
    );
    expect(rows).toHaveLength(1);
    return rows[0].q;
  }

  beforeAll(async () => {
    dbUrl = await freshDatabase(s.url, dbName);
    const noextUrl = await freshDatabase(s.url, `statements_noext_${s.major}`);
    await useTestConsole({
      storeServerUrl: s.url,
      storeName: `statements_st_${s.major}`,
      servers: [{ id: server, url: dbUrl }, { id: noext, url: noextUrl }],
    });
    forgetStatementsCollectorState();
    await addUser("admin1", "admin");
    await addUser("viewer1", "viewer");
    admin = await signIn("admin1");
    viewer = await signIn("viewer1");
    work = await connect(dbUrl, "statements-work");
    await work.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await work.query("CREATE TABLE items (id int PRIMARY KEY, note text)");
    await work.query("INSERT INTO items SELECT g, 'n' || g FROM generate_series(1, 1000) g");
    await work.query(`CREATE FUNCTION write_note() RETURNS int LANGUAGE sql AS $$ INSERT INTO items VALUES (100000, 'x') RETURNING id $$`);
  });
  afterAll(async () => {
    await work?.end();
    await teardownTestConsole();
  });

  test("a created slow statement ranks first in the window it ran in, and not before it", async () => {
    const t0 = await snapshot(server); // baseline
    await work.query("SELECT count(*) FROM items");
    const t1 = await snapshot(server);
    await work.query("SELECT count(*) AS slow_marker FROM items, pg_sleep(0.4)");
    const t2 = await snapshot(server);

    const during = await top(server, viewer, `?from=${t1.after}&to=${t2.after}&db=${dbName}`);
    expect(during.statements[0]?.query).toContain("slow_marker");
    expect(during.statements[0]?.calls).toBe(1);
    expect(during.statements[0]?.totalMs).toBeGreaterThanOrEqual(400);
    expect(during.statements[0]?.totalMs).toBeLessThan(5_000);

    const before = await top(server, viewer, `?from=${t0.before - 1}&to=${t1.after}&db=${dbName}`);
    expect(before.snapshots).toBeGreaterThanOrEqual(1);
    expect(before.statements.some((r) => r.query?.includes("slow_marker"))).toBe(false);
    expect(before.statements.some((r) => r.query?.includes("count(*) FROM items"))).toBe(true);

    // Column aliases are not part of a statement's identity, so each marker differs in structure.
    // Sorted by calls instead, the statement run once is not first when another ran more often.
    for (let i = 0; i < 30; i++) await work.query("SELECT note FROM items WHERE id = $1", [i + 1]);
    const t3 = await snapshot(server);
    const byCalls = await top(server, viewer, `?from=${t1.after}&to=${t3.after}&db=${dbName}&sort=calls`);
    expect(byCalls.statements[0]?.query).toContain("WHERE id = $1");
    expect(byCalls.statements[0]?.calls).toBe(30);
  });

  test("a statement's page: its history has points, and the tables it reads come from its parse tree", async () => {
    const queryid = await queryidOf("slow_marker");
    const route = await import("@/app/api/servers/[server]/statements/[queryid]/route");
    const res = await callRoute(route, "GET", `/api/servers/${server}/statements/${queryid}`, { cookie: viewer, params: { server, queryid }, search: "?window=1h" });
    expect(res.status, await res.clone().text()).toBe(200);
    const d: StatementDetail = await res.json();
    expect(d.query).toContain("pg_sleep");
    expect(d.points.length).toBeGreaterThanOrEqual(1);
    expect(d.totals.calls).toBe(1);
    expect(d.tables).toEqual([{ schema: null, name: "items" }]);
    expect(d.params).toBe(1);
  });

  test("a missing extension is explained: the two steps, which is done, and the privilege", async () => {
    const r = await top(noext, viewer, "");
    expect(r.missing?.reason).toBe("not_installed");
    expect(r.missing?.steps.map((x) => x.done)).toEqual([true, false, true]); // preloaded by the test cluster; superuser
    expect(r.missing?.steps[1]?.sql).toBe("CREATE EXTENSION pg_stat_statements;");
    expect(r.missing?.steps[2]?.sql).toBe('GRANT pg_read_all_stats TO "postgres";');
    expect(r.statements).toEqual([]);
    // The collector stores nothing for it, and says why instead of failing.
    expect(await runCollector(statementsCollector, findServer(noext)!)).toBe(true);
  });

  test("a pg_stat_statements_reset() by someone else gives no negative or huge deltas", async () => {
    for (let i = 0; i < 50; i++) await work.query("SELECT id, note FROM items WHERE id = $1", [i + 1]);
    await snapshot(server);
    for (let i = 0; i < 20; i++) await work.query("SELECT id, note FROM items WHERE id = $1", [i + 1]);
    const other = await connect(dbUrl, "someone-else");
    await other.query("SELECT pg_stat_statements_reset()");
    await other.end();
    for (let i = 0; i < 3; i++) await work.query("SELECT id, note FROM items WHERE id = $1", [i + 1]);
    const t = await snapshot(server);
    const r = await top(server, viewer, `?from=${t.before - 1}&to=${t.after}&db=${dbName}&sort=calls`);
    const marker = r.statements.find((x) => x.query?.includes("SELECT id, note FROM items"));
    // 3 calls after the reset: counted as 3 — never 3 - 70 (negative) nor 73 again.
    expect(marker?.calls).toBe(3);
    for (const x of r.statements) {
      expect(x.calls).toBeGreaterThanOrEqual(0);
      expect(x.totalMs).toBeGreaterThanOrEqual(0);
      expect(x.rows).toBeGreaterThanOrEqual(0);
    }
    if (s.major >= 14) expect(r.resets).toBe(1); // pg_stat_statements_info.stats_reset moved
  });

  test("EXPLAIN is refused for non-admins", async () => {
    await work.query("SELECT note, length(note) FROM items WHERE id = 7");
    await snapshot(server);
    const queryid = await queryidOf("length(note)");
    const res = await explain(server, viewer, queryid, { db: dbName, analyze: false, params: ["7"] });
    expect(res.status).toBe(403);
  });

  test("EXPLAIN ANALYZE is refused for an INSERT inside a CTE and for a SELECT calling a function that writes", async () => {
    await work.query("WITH w AS (INSERT INTO items VALUES (5001, 'cte') RETURNING id) SELECT count(*) AS cte_marker FROM w");
    await work.query("SELECT write_note() AS fn_marker");
    await work.query("DELETE FROM items WHERE id = 100000");
    await snapshot(server);
    const cte = await explain(server, admin, await queryidOf("cte_marker"), { db: dbName, analyze: true, params: ["5002", "cte"] });
    expect(cte.status).toBe(200);
    const cteBody: ExplainResponse = await cte.json();
    expect(cteBody.outcome).toBe("refused");
    expect(cteBody.message).toMatch(/INSERT/);

    // The parse tree cannot see inside write_note(): it runs, in BEGIN READ ONLY, and its write fails.
    const fn = await explain(server, admin, await queryidOf("fn_marker"), { db: dbName, analyze: true });
    const fnBody: ExplainResponse = await fn.json();
    expect(fnBody.outcome).toBe("refused");
    expect(fnBody.sqlstate).toBe("25006");
    expect((await work.query("SELECT count(*)::int AS n FROM items WHERE id IN (5002, 100000)")).rows[0].n).toBe(0);

    // A plain SELECT with its value runs under ANALYZE and returns actual rows.
    const plain = await explain(server, admin, await queryidOf("length(note)"), { db: dbName, analyze: true, params: ["7"] });
    const plainBody: ExplainResponse = await plain.json();
    expect(plainBody.outcome, plainBody.message ?? "").toBe("ok");
    const root = (plainBody.plan as { Plan: Record<string, unknown> }[])[0]!.Plan;
    expect(root["Actual Rows"]).toBe(1);
  });

  test(s.major >= 16 ? "GENERIC_PLAN plans the normalized text without values" : "without GENERIC_PLAN the values are asked for", async () => {
    const queryid = await queryidOf("length(note)");
    const res = await explain(server, admin, queryid, { db: dbName, analyze: false });
    const body: ExplainResponse = await res.json();
    if (s.major >= 16) {
      expect(body.outcome, body.message ?? "").toBe("ok");
      expect(body.mode).toBe("generic");
      expect(body.text).toMatch(/Index Scan|Seq Scan/);
    } else {
      expect(body.outcome).toBe("refused");
      expect(body.message).toMatch(/GENERIC_PLAN needs PostgreSQL 16/);
      const withValue: ExplainResponse = await (await explain(server, admin, queryid, { db: dbName, analyze: false, params: ["7"] })).json();
      expect(withValue.outcome).toBe("ok");
    }
  });
});

describe.each(pgServers())("evictions at pg_stat_statements.max on PG $major", (s) => {
  const server = `evict${s.major}`;
  let cluster: Cluster;
  let viewer: string;

  beforeAll(async () => {
    cluster = await startCluster({ major: s.major as 18 | 14, settings: { "pg_stat_statements.max": 100 } });
    const url = cluster.url();
    const c = await connect(url);
    await c.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    await c.end();
    await useTestConsole({ storeServerUrl: s.url, storeName: `statements_ev_${s.major}`, servers: [{ id: server, url: withDatabase(url, "postgres") }] });
    forgetStatementsCollectorState();
    await addUser("viewer2", "viewer");
    viewer = await signIn("viewer2");
  });
  afterAll(async () => {
    await teardownTestConsole();
    await cluster?.destroy();
  });

  test("statements evicted in the window are reported (14+), with the max", async () => {
    await snapshot(server);
    const c = await connect(cluster.url());
    // ~160 distinct statements (pairs of catalog tables) against room for 100. No aliases: 18
    // jumbles a relation by its alias name, so aliased pairs would all be one statement.
    const { rows } = await c.query(`SELECT relname FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace AND relkind = 'r' ORDER BY relname LIMIT 13`);
    for (const a of rows) for (const b of rows) await c.query(`SELECT 1 FROM pg_catalog.${a.relname}, pg_catalog.${b.relname}${a.relname === b.relname ? " b" : ""} LIMIT 0`);
    await c.end();
    const t = await snapshot(server);
    const r = await top(server, viewer, `?from=${t.before - 1}&to=${t.after}`);
    expect(r.maxEntries).toBe(100);
    if (s.major >= 14) expect(r.evicted).toBeGreaterThan(0);
    else expect(r.evicted).toBeNull();
  });
});
