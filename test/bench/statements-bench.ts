// Queries benchmarks (issue 13): the statements collector's cost on a monitored server holding
// 5,000 distinct statements (its DB time per minute, from pg_stat_statements itself), and the
// server time of the top-queries read for 1 h with 5,000 distinct statements that all ran in
// every minute of it (the worst case for the store: 300,000 delta rows). One run, figures only.
import os from "node:os";
import { resetEnvCache } from "@/lib/config/env";
import { findServer, resetServerRegistry } from "@/lib/config/servers";
import { startCluster } from "@/lib/embedded/cluster";
import { forgetStatementsCollectorState, statementsCollector } from "@/lib/monitoring/collectors/statements";
import { runCollector } from "@/lib/monitoring/run-collector";
import { closeAllPools } from "@/lib/pg/pools";
import { topQueries } from "@/lib/pg/statements-view";
import { STATEMENT_SORTS } from "@/lib/schemas/statements";
import { closeStore } from "@/lib/store/db";
import { ensurePartitions } from "@/lib/store/metrics";
import { rollUpStatements } from "@/lib/store/statement-rollups";
import { withClient } from "../../lib/cli/demo-database";
import { writeServersFile } from "../helpers/sampler-process";

type Figures = Record<string, number | string>;
const ROLE = "pgwarden_bench_queries";
const TABLES = 71; // 71 × 71 ordered pairs = 5,041 distinct statements (the default pg_stat_statements.max is 5,000)

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function roleTime(url: string): Promise<{ ms: number; calls: number }> {
  return withClient(url, async (c) => {
    const { rows } = await c.query(
      `SELECT coalesce(sum(total_exec_time), 0)::float8 AS ms, coalesce(sum(calls), 0)::int AS calls
         FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = $1`,
      [ROLE],
    );
    return rows[0];
  });
}

export async function benchStatements(): Promise<Figures> {
  const out: Figures = {};
  const cluster = await startCluster({ major: 18 });
  try {
    const superUrl = cluster.url();
    await withClient(superUrl, async (c) => {
      await c.query(`CREATE ROLE ${ROLE} LOGIN PASSWORD 'bench' IN ROLE pg_monitor`);
      await c.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
      await c.query(`CREATE DATABASE bench_store`);
      for (let i = 1; i <= TABLES; i++) await c.query(`CREATE TABLE t${i} (id int)`);
    });
    const pair = (i: number, j: number) => `SELECT 1 FROM t${i}, t${j}${i === j ? " b" : ""} LIMIT 0`;
    await withClient(superUrl, async (c) => {
      for (let i = 1; i <= TABLES; i++) for (let j = 1; j <= TABLES; j++) await c.query(pair(i, j));
    });
    const entries = await withClient(superUrl, async (c) => Number((await c.query(`SELECT count(*) AS n FROM pg_stat_statements`)).rows[0].n));
    out["pg_stat_statements entries on the monitored server"] = entries;

    const storeUrl = cluster.url("bench_store");
    Object.assign(process.env, {
      PGWARDEN_STORE_URL: storeUrl,
      PGWARDEN_SERVERS: writeServersFile([{ id: "bench", url: `postgres://${ROLE}:bench@127.0.0.1:${cluster.port}/postgres` }]),
    });
    delete process.env.DATABASE_URL;
    resetEnvCache();
    resetServerRegistry();
    forgetStatementsCollectorState();
    const server = findServer("bench")!;

    let t = performance.now();
    if (!(await runCollector(statementsCollector, server))) throw new Error("bench: the first snapshot failed");
    out["first snapshot (a baseline: counters only, no texts; wall ms)"] = Math.round(performance.now() - t);
    // Every statement runs once more: the next snapshot stores 5,000 deltas and fetches 5,000 texts.
    await withClient(superUrl, async (c) => {
      for (let i = 1; i <= TABLES; i++) for (let j = 1; j <= TABLES; j++) await c.query(pair(i, j));
    });
    t = performance.now();
    if (!(await runCollector(statementsCollector, server))) throw new Error("bench: the second snapshot failed");
    out["snapshot after all 5,000 ran: 5,000 deltas, 5,000 texts fetched, redacted, stored (wall ms)"] = Math.round(performance.now() - t);

    const before = await roleTime(superUrl);
    const runs = 10;
    const walls: number[] = [];
    for (let r = 0; r < runs; r++) {
      // 300 statements ran since the last snapshot (a busy minute of a real application).
      await withClient(superUrl, async (c) => {
        for (let k = 0; k < 300; k++) await c.query(pair(1 + ((r * 7 + k) % TABLES), 1 + (k % TABLES)));
      });
      t = performance.now();
      if (!(await runCollector(statementsCollector, server))) throw new Error("bench: a snapshot failed");
      walls.push(performance.now() - t);
    }
    const after = await roleTime(superUrl);
    const plans: number[] = [];
    await withClient(superUrl, async (c) => {
      for (let i = 0; i < 11; i++) {
        const { rows } = await c.query(`EXPLAIN (SUMMARY) SELECT s.queryid, s.calls, s.total_exec_time FROM pg_stat_statements(false) s LEFT JOIN pg_database d ON d.oid = s.dbid LEFT JOIN pg_roles r ON r.oid = s.userid`);
        plans.push(Number(/Planning Time: ([\d.]+)/.exec(rows.map((x) => x["QUERY PLAN"]).join("\n"))?.[1]));
      }
    });
    const execPerRun = (after.ms - before.ms) / runs;
    const plan = percentile(plans.slice(1), 50);
    out["snapshot DB time on the monitored server per minute (one snapshot a minute, ms, target < 50)"] = +(execPerRun + plan).toFixed(2);
    out["  execution per snapshot, mean over 10 (pg_stat_statements, ms)"] = +execPerRun.toFixed(2);
    out["  planning of the snapshot read, median (ms)"] = +plan.toFixed(3);
    out["  statements per snapshot (BEGIN, 3 SET LOCAL, the reads, COMMIT; texts only for new statements)"] = +((after.calls - before.calls) / runs).toFixed(1);
    out["  collector wall time per snapshot incl. storing ~300 deltas, p50 (ms)"] = Math.round(percentile(walls, 50));

    // The store side: 1 h of 5,000 statements that each ran in every one of 60 snapshots.
    const now = Date.now();
    await ensurePartitions(1, now, 1);
    await withClient(storeUrl, async (c) => {
      // Only the seeded hour below: the snapshots measured above go.
      await c.query(`DELETE FROM metric_statement_samples WHERE server = 'bench'`);
      await c.query(`DELETE FROM metric_statement_snapshots WHERE server = 'bench'`);
      await c.query(`DELETE FROM metric_statement_rollups WHERE server = 'bench'`);
      await c.query(`DELETE FROM metric_statement_rollup_marks WHERE server = 'bench'`);
      await c.query(
        `INSERT INTO metric_statement_snapshots (server, at, has_deltas, entries, max_entries, dealloc_delta)
         SELECT 'bench', to_timestamp($1 / 1000.0) - m * interval '1 minute', true, 5000, 5000, 0 FROM generate_series(0, 59) m`,
        [now],
      );
      await c.query(
        `INSERT INTO metric_statement_texts (server, queryid, query)
         SELECT 'bench', q, 'SELECT ' || q || ' FROM some_table WHERE id = $1' FROM generate_series(1, 5000) q ON CONFLICT DO NOTHING`,
      );
      await c.query(
        `INSERT INTO metric_statement_samples
         SELECT 'bench', to_timestamp($1 / 1000.0) - m * interval '1 minute', q, 'app_' || (q % 3), 'user_' || (q % 4), true,
                1 + (q % 50), random() * q / 100, 0, q % 100, q * 10, q % 7, q % 5, 0, null
           FROM generate_series(0, 59) m, generate_series(1, 5000) q`,
        [now],
      );
      await c.query(`ANALYZE metric_statement_samples`);
    });
    // The collector's rollup step, as it runs after the snapshot that ends a bucket: here all of
    // the seeded hour's finished 10-minute buckets (and an hour, when one ended in it) at once.
    t = performance.now();
    await rollUpStatements("bench", now + 1, undefined);
    out["rollup of the seeded hour's finished buckets (10 min and hourly), once (ms)"] = Math.round(performance.now() - t);
    await withClient(storeUrl, async (c) => {
      await c.query(`ANALYZE metric_statement_rollups`);
      const { rows } = await c.query(
        `SELECT count(*) FILTER (WHERE span_s = 600)::int AS tens, count(*) FILTER (WHERE span_s = 3600)::int AS hours
           FROM metric_statement_rollup_marks WHERE server = 'bench'`,
      );
      out["  buckets rolled up (10 min / hourly)"] = `${rows[0].tens} / ${rows[0].hours}`;
    });
    const rows = await withClient(storeUrl, async (c) => Number((await c.query(`SELECT count(*) AS n FROM metric_statement_samples WHERE server = 'bench' AND at > now() - interval '1 hour'`)).rows[0].n));
    out["top queries, 1 h: raw delta rows in the window (before rollups)"] = rows;
    const viewer = "viewer" as const;
    await topQueries("bench", { window: "1h", sort: "total", limit: 100 }, viewer); // warm: store connection, parser, probe
    for (const sort of ["total", "mean", "calls"] as const satisfies readonly (typeof STATEMENT_SORTS)[number][]) {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        t = performance.now();
        const r = await topQueries("bench", { window: "1h", sort, limit: 100 }, viewer);
        times.push(performance.now() - t);
        if (r.total !== 5000) throw new Error(`bench: expected 5,000 statements, got ${r.total}`);
      }
      out[`top queries for 1 h, 5,000 statements, sorted by ${sort}, p50 (server ms, target < 300)`] = Math.round(percentile(times, 50));
    }
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      await topQueries("bench", { window: "1h", db: "app_1", sort: "total", limit: 100 }, viewer);
      times.push(performance.now() - t);
    }
    out["  the same for one database (a third of them), p50 (ms)"] = Math.round(percentile(times, 50));
    // The same read without rollups (the marks gone, every bucket is read from the raw deltas):
    // the read before rollups, measured in this run for the ratio.
    await withClient(storeUrl, (c) => c.query(`DELETE FROM metric_statement_rollup_marks WHERE server = 'bench'`));
    const rawTimes: number[] = [];
    for (let i = 0; i < 5; i++) {
      t = performance.now();
      await topQueries("bench", { window: "1h", sort: "total", limit: 100 }, viewer);
      rawTimes.push(performance.now() - t);
    }
    out["  for comparison: sorted by total from the raw deltas only (no rollups), p50 (ms)"] = Math.round(percentile(rawTimes, 50));
    out["  host load average during the run (1 min, 2 cores)"] = os.loadavg()[0]!.toFixed(1);
  } finally {
    await closeStore();
    await closeAllPools();
    await cluster.destroy();
  }
  return out;
}
