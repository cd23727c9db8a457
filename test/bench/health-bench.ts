// Health checks on a 10,000-table / 10,000-sequence database (issue 12): wall time of every check,
// cold (fresh connection) and warm, and whether any failed — "out of shared memory" above all,
// which a single pg_sequences read over that many sequences runs into (shown for comparison).
//
// Run on its own (starts an embedded PostgreSQL 18 unless BENCH_SERVER_URL is set):
//   npx tsx --conditions=react-server test/bench/health-bench.ts
import { pathToFileURL } from "node:url";
import pg from "pg";
import { runChecks } from "@/lib/pg/health/report";
import { SEQUENCES } from "@/lib/pg/health/sequences";
import type { Seeing, Tx } from "@/lib/pg/health/types";
import { addTables, analyzeAll, createBenchDatabase } from "./many-tables";

const TABLES = 10_000;
const BATCH = 500;

async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, application_name: "pgwarden-bench" });
  c.on("error", () => {});
  await c.connect();
  return c;
}

/** One sequence per table, OWNED BY its int primary key; every tenth at 95 % of int4. */
async function addSequences(url: string, n: number) {
  const c = await client(url);
  try {
    for (let i = 0; i < n; i += BATCH) {
      // One transaction per batch: each new sequence holds a lock until commit.
      await c.query(`DO $$
        BEGIN
          FOR i IN ${i}..${Math.min(n, i + BATCH) - 1} LOOP
            EXECUTE format('CREATE SEQUENCE bench_seq_%s AS bigint OWNED BY bench_%s.id', i, i);
            IF i % 10 = 0 THEN PERFORM setval(format('bench_seq_%s', i)::regclass, 2040109465); END IF;
          END LOOP;
        END $$`);
    }
  } finally {
    await c.end();
  }
}

function txOf(c: pg.Client): Tx {
  return async (fn) => {
    await c.query("BEGIN READ ONLY; SET LOCAL statement_timeout = 5000; SET LOCAL lock_timeout = 1000");
    try {
      const r = await fn(c);
      await c.query("COMMIT");
      return r;
    } catch (err) {
      await c.query("ROLLBACK").catch(() => {});
      throw err;
    }
  };
}

async function timedRun(url: string, c?: pg.Client) {
  const own = c ?? (await client(url));
  try {
    const versionNum = Number((await own.query("SHOW server_version_num")).rows[0].server_version_num);
    const seeing: Seeing = { role: "postgres", allStats: true, versionNum, database: "pgwarden_bench_health" };
    const t0 = performance.now();
    const r = await runChecks(txOf(own), seeing);
    return { ms: Math.round(performance.now() - t0), r };
  } finally {
    if (!c) await own.end();
  }
}

export async function benchHealth(serverUrl: string): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const url = await createBenchDatabase(serverUrl, "pgwarden_bench_health");
  let t0 = performance.now();
  await addTables(url, 0, TABLES);
  await addSequences(url, TABLES);
  await analyzeAll(url);
  out["setup_ms"] = Math.round(performance.now() - t0);

  const cold = await timedRun(url);
  out["checks_cold_ms"] = cold.ms;
  const c = await client(url);
  try {
    await timedRun(url, c);
    const warm = await timedRun(url, c);
    out["checks_warm_ms"] = warm.ms;
    for (const k of warm.r.checks) out[`  ${k.check}_ms`] = k.ms;
    const failed = [...cold.r.checks, ...warm.r.checks].filter((k) => k.status === "failed");
    out["checks_failed"] = failed.length ? failed.map((k) => `${k.check}: ${k.message}`).join("; ") : "none";
    out["out_of_shared_memory"] = failed.some((k) => /shared memory/i.test(k.message ?? "")) ? "YES" : "no";
    out["sequence_findings"] = warm.r.findings.filter((f) => f.check === "sequence_exhaustion").length;
    out["target"] = "< 2000 ms";
    // The sequence check's two parts: the catalog read (owning columns) and the batched last_value reads.
    t0 = performance.now();
    await c.query(`SELECT count(*) FROM (${SEQUENCES}) x`);
    out["sequences_catalog_ms"] = Math.round(performance.now() - t0);
    // For comparison, the trap the checks avoid: every sequence's last_value in one statement.
    t0 = performance.now();
    try {
      await c.query("BEGIN; SELECT count(last_value) FROM pg_sequences; COMMIT");
      out["pg_sequences_one_statement"] = `ok in ${Math.round(performance.now() - t0)} ms`;
    } catch (err) {
      await c.query("ROLLBACK").catch(() => {});
      out["pg_sequences_one_statement"] = `failed: ${(err as Error).message}`;
    }
  } finally {
    await c.end();
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { startCluster } = await import("@/lib/embedded/cluster");
  const cluster = process.env.BENCH_SERVER_URL ? undefined : await startCluster({ major: 18 });
  try {
    const result = await benchHealth(process.env.BENCH_SERVER_URL ?? cluster!.url());
    for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(40)} ${v}`);
  } finally {
    await cluster?.destroy();
  }
}
