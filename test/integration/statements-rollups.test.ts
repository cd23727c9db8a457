// pg_stat_statements history rollups (issue 13) in a real store, as the console's app role: the top
// list read from 10-minute and hourly rollups plus raw edges gives exactly the raw deltas' totals,
// for a window on bucket bounds and one off them; and the retention step prunes the texts that no
// delta or rollup references any more.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { store } from "@/lib/store/db";
import { dropOldPartitions, ensurePartitions } from "@/lib/store/metrics";
import { planWindow, rollUpStatements } from "@/lib/store/statement-rollups";
import { topStatements } from "@/lib/store/statement-reads";
import { pruneStatementTexts } from "@/lib/store/statements";
import { HOUR_MS, TEN_MIN_MS } from "@/lib/store/statement-window";
import { connect, pgServers } from "../helpers/pg";
import { teardownTestConsole, useTestConsole } from "../helpers/store";

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

describe.each(pgServers())("statement rollups on PG $major", (s) => {
  const server = `rollup${s.major}`;
  let su: pg.Client; // the store's superuser: checks against the raw rows, and old rows for retention
  // Two and a half hours of one-minute snapshots, ending 2 h ago (all of them rolled up below).
  const start = Math.floor((Date.now() - 5 * HOUR_MS) / HOUR_MS) * HOUR_MS;
  const end = start + 150 * MIN_MS;

  /** The window's totals from the raw deltas alone: what the top list must equal. */
  async function rawTotals(from: number, to: number) {
    const { rows } = await su.query(
      `SELECT queryid::text AS queryid, datname, username, toplevel, sum(calls)::float8 AS calls, sum(exec_ms) AS total_ms,
              sum(rows)::float8 AS rows, sum(shared_blks_read)::float8 AS shared_blks_read, sum(wal_bytes)::float8 AS wal_bytes,
              sum(plan_ms) AS plan_ms
         FROM metric_statement_samples WHERE server = $1 AND at > $2 AND at <= $3
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
      [server, new Date(from), new Date(to)],
    );
    return rows;
  }
  async function topTotals(from: number, to: number) {
    const top = await topStatements(server, { from, to, sort: "calls", limit: 1000 });
    return top.rows
      .map((r) => ({
        queryid: r.queryid, datname: r.datname, username: r.username, toplevel: r.toplevel, calls: r.calls, total_ms: r.total_ms,
        rows: r.rows, shared_blks_read: r.shared_blks_read, wal_bytes: r.wal_bytes, plan_ms: r.plan_ms,
      }))
      .sort((a, b) => a.queryid.localeCompare(b.queryid) || a.datname.localeCompare(b.datname) || a.username.localeCompare(b.username) || Number(a.toplevel) - Number(b.toplevel));
  }
  function close(a: Record<string, unknown>[], b: Record<string, unknown>[]) {
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) {
      for (const k of Object.keys(a[i]!)) {
        const x = a[i]![k];
        const y = b[i]![k];
        if (typeof x === "number" && typeof y === "number") expect(x, `${k} of row ${i}`).toBeCloseTo(y, 6);
        else expect(x, `${k} of row ${i}`).toEqual(y);
      }
    }
  }

  beforeAll(async () => {
    const { superUrl } = await useTestConsole({ storeServerUrl: s.url, storeName: `statement_rollups_${s.major}`, servers: [{ id: server, url: s.url }] });
    await (await store()).query("SELECT 1"); // migrates
    su = await connect(superUrl, "rollups-check");
    await ensurePartitions(2, Date.now(), 1);
    // 40 statements in 2 databases, 2 users, some nested (toplevel false); each runs in the minutes
    // where (minute + queryid) % 3 != 0, with counters that differ per minute and statement.
    await su.query(
      `INSERT INTO metric_statement_samples
       SELECT $1, to_timestamp($2 / 1000.0) + m * interval '1 minute', 1000 + q, 'db_' || (q % 2), 'user_' || (q % 3 % 2), q % 5 <> 0,
              1 + (m * q) % 17, ((m * 7 + q) % 23) * 1.25, CASE WHEN q % 4 = 0 THEN NULL ELSE q * 0.5 END, (m + q) % 11,
              q * 3, (m * q) % 13, m % 2, CASE WHEN q % 3 = 0 THEN NULL ELSE m * 100 + q END, 0.5
         FROM generate_series(1, 150) m, generate_series(1, 40) q
        WHERE (m + q) % 3 <> 0`,
      [server, start],
    );
    // The collector's step after the snapshot at `end` + 1 min: every bucket ended before it.
    const pos = await rollUpStatements(server, end + MIN_MS, undefined);
    expect(pos.tens).toBe(start + 150 * MIN_MS);
    expect(pos.hours).toBe(start + 2 * HOUR_MS);
  });
  afterAll(async () => {
    await su?.end();
    await teardownTestConsole();
  });

  test("the buckets are rolled up once: 10-minute and hourly marks, rows only for statements that ran", async () => {
    const marks = await su.query(`SELECT span_s, count(*)::int AS n FROM metric_statement_rollup_marks WHERE server = $1 GROUP BY 1 ORDER BY 1`, [server]);
    expect(marks.rows).toEqual([{ span_s: 600, n: 15 }, { span_s: 3600, n: 2 }]);
    // A second run from the store's marks (a restarted collector) adds nothing.
    const before = (await su.query(`SELECT count(*)::int AS n FROM metric_statement_rollups WHERE server = $1`, [server])).rows[0].n;
    await rollUpStatements(server, end + MIN_MS, undefined);
    expect((await su.query(`SELECT count(*)::int AS n FROM metric_statement_rollups WHERE server = $1`, [server])).rows[0].n).toBe(before);
    expect(before).toBeGreaterThan(0);
  });

  test("an aligned window (a whole hour and 10-minute buckets) reads rollups and equals the raw deltas", async () => {
    const from = start;
    const to = start + HOUR_MS + 30 * MIN_MS;
    const plan = await planWindow(await store(), server, from, to);
    expect(plan).toEqual({ hours: [start + HOUR_MS], tens: [start + 70 * MIN_MS, start + 80 * MIN_MS, start + 90 * MIN_MS], raw: [] });
    const raw = await rawTotals(from, to);
    expect(raw.length).toBeGreaterThan(30);
    close(await topTotals(from, to), raw);
  });

  test("an unaligned window reads raw deltas at its edges and equals the raw deltas", async () => {
    const from = start + 3 * MIN_MS + 30_000;
    const to = start + 2 * HOUR_MS + 27 * MIN_MS + 15_000;
    const plan = await planWindow(await store(), server, from, to);
    expect(plan.hours).toEqual([start + 2 * HOUR_MS]);
    expect(plan.tens.length).toBe(5 + 2); // 00:10–01:00, then 02:00–02:20
    expect(plan.raw).toEqual([[from, start + TEN_MIN_MS], [start + 2 * HOUR_MS + 20 * MIN_MS, to]]);
    close(await topTotals(from, to), await rawTotals(from, to));
    // And per database: the filters apply to rollup and raw rows alike.
    const one = await topStatements(server, { from, to, db: "db_1", sort: "total", limit: 1000 });
    const raw = (await rawTotals(from, to)).filter((r) => r.datname === "db_1");
    expect(one.rows.length).toBe(raw.length);
    expect(one.rows.reduce((a, r) => a + r.total_ms, 0)).toBeCloseTo(raw.reduce((a, r) => a + r.total_ms, 0), 6);
  });

  test("retention: texts no delta or rollup references are pruned, referenced and recent ones stay", async () => {
    const old = new Date(Date.now() - 20 * DAY_MS);
    await ensurePartitions(0, Date.now() - 20 * DAY_MS, 1);
    await su.query(
      `INSERT INTO metric_statement_texts (server, queryid, query, first_seen) VALUES
         ($1, 1001, 'SELECT referenced by deltas', $2), ($1, 9001, 'SELECT only in an old partition', $2),
         ($1, 9002, 'SELECT only in a rollup', $2), ($1, 9003, 'SELECT never ran', $2), ($1, 9004, 'SELECT new', now())`,
      [server, old],
    );
    await su.query(
      `INSERT INTO metric_statement_samples (server, at, queryid, datname, username, toplevel, calls, exec_ms)
       VALUES ($1, $2, 9001, 'db_0', 'user_0', true, 1, 1)`,
      [server, old],
    );
    await su.query(
      `INSERT INTO metric_statement_rollups (server, span_s, at, queryid, datname, username, toplevel, calls, exec_ms)
       VALUES ($1, 600, $2, 9002, 'db_0', 'user_0', true, 1, 1)`,
      [server, new Date(start + TEN_MIN_MS)],
    );
    const texts = async () => (await su.query(`SELECT queryid::int AS q FROM metric_statement_texts WHERE server = $1 ORDER BY 1`, [server])).rows.map((r) => r.q);
    // Before the old partition is dropped, its delta still references 9001.
    expect(await pruneStatementTexts()).toBe(1);
    expect(await texts()).toEqual([1001, 9001, 9002, 9004]);
    expect(await dropOldPartitions(14)).toBeGreaterThan(0);
    expect(await pruneStatementTexts()).toBe(1);
    expect(await texts()).toEqual([1001, 9002, 9004]);
  });
});
