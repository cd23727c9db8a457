// Storage views at 1,000 and 10,000 tables: how the cost grows. Figures are wall times in ms on
// one run (not pass/fail). "cold" = fresh connection and no size snapshot yet (what the first
// viewer of a minute pays); "warm" = snapshot cached, connection reused (every other poll).
//
// Run on its own (starts an embedded PostgreSQL 18 unless BENCH_SERVER_URL is set):
//   npx tsx --conditions=react-server test/bench/storage-bench.ts
// (the lib modules import "server-only", which only resolves under the react-server condition).
import { pathToFileURL } from "node:url";
import pg from "pg";
import { bloatEstimates } from "@/lib/pg/bloat";
import { databaseSizesOf } from "@/lib/pg/databases";
import { indexes, indexFindings } from "@/lib/pg/indexes";
import { sizeSnapshot, type SizeSnapshot } from "@/lib/pg/size-snapshot";
import { spaceOverview } from "@/lib/pg/space";
import { tables } from "@/lib/pg/tables";
import { addTables, analyzeAll, createBenchDatabase } from "./many-tables";

const PAGE = { sort: "total_size", dir: "desc", limit: 50, offset: 0 } as const;

async function client(url: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: url, application_name: "pgwarden-bench" });
  c.on("error", () => {});
  await c.connect();
  return c;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const v = await fn();
  return [Math.round(performance.now() - t0), v];
}

async function measure(url: string, label: string, out: Record<string, number | string>) {
  // cold: each view on a fresh connection, computing the snapshot it needs
  for (const view of ["tables", "indexes", "space"] as const) {
    const c = await client(url);
    try {
      const [ms] = await time(async () => {
        const sizes = await sizeSnapshot(c);
        await page(c, view, sizes);
      });
      out[`${view}_cold_ms@${label}`] = ms;
    } finally {
      await c.end();
    }
  }
  const c = await client(url);
  try {
    const [snapMs, sizes] = await time(() => sizeSnapshot(c));
    out[`size_snapshot_ms@${label}`] = snapMs;
    for (const view of ["tables", "indexes", "space"] as const) {
      await page(c, view, sizes); // prime the connection's catalog caches
      out[`${view}_warm_ms@${label}`] = (await time(() => page(c, view, sizes)))[0];
    }
    const [findingsMs, f] = await time(() => indexFindings(c, sizes));
    out[`index_findings_ms@${label}`] = findingsMs;
    out[`index_findings_count@${label}`] = f.counts.unused + f.counts.duplicate + f.counts.invalid;
    out[`index_findings_sent@${label}`] = f.findings.length;
    const [bloatMs, b] = await time(() => bloatEstimates(c));
    out[`bloat_estimate_ms@${label}`] = bloatMs;
    out[`bloat_rows@${label}`] = b.tables.length + b.indexes.length;
  } finally {
    await c.end();
  }
}

async function page(c: pg.Client, view: "tables" | "indexes" | "space", sizes: SizeSnapshot) {
  if (view === "tables") return tables(c, PAGE, sizes);
  if (view === "indexes") return indexes(c, { ...PAGE, sort: "size" }, sizes);
  return spaceOverview(await databaseSizesOf(c), sizes, 20);
}

/** Builds 1,000 then 10,000 tables (2 indexes each) in a bench database and measures each view. */
export async function benchStorage(serverUrl: string): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const url = await createBenchDatabase(serverUrl, "pgwarden_bench_storage");
  let [ms] = await time(async () => {
    await addTables(url, 0, 1_000);
    await analyzeAll(url);
  });
  out["setup_1k_ms"] = ms;
  await measure(url, "1k", out);
  [ms] = await time(async () => {
    await addTables(url, 1_000, 10_000);
    await analyzeAll(url);
  });
  out["setup_10k_ms"] = ms;
  await measure(url, "10k", out);
  for (const key of Object.keys(out)) {
    const m = /^(.*_ms)@1k$/.exec(key);
    const big = m && out[`${m[1]}@10k`];
    if (m && typeof big === "number" && typeof out[key] === "number") {
      out[`${m[1]}_growth_1k_to_10k`] = Number((big / Math.max(1, out[key] as number)).toFixed(1));
    }
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { startCluster } = await import("@/lib/embedded/cluster");
  const cluster = process.env.BENCH_SERVER_URL ? undefined : await startCluster({ major: 18 });
  try {
    const result = await benchStorage(process.env.BENCH_SERVER_URL ?? cluster!.url());
    for (const [k, v] of Object.entries(result)) console.log(`${k.padEnd(40)} ${v}`);
  } finally {
    await cluster?.destroy();
  }
}
