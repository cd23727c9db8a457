// One server's sweep for the version smoke (versions.ts): what a DBA's session touches.
import { randomUUID } from "node:crypto";

export interface Sweep {
  base: string;
  cookie: string;
  problems: string[];
}

const READS = ["activity", "databases", "health", "health?db=shop", "indexes?db=shop", "tables?db=shop", "space", "bloat?db=shop", "jobs", "metrics?range=1h", "migrations?db=shop", "replication", "replication/archiving", "server-info", "statements?db=shop"];
const PAGES = ["overview", "health", "activity", "tables", "indexes", "space", "queries", "maintenance", "migrations", "migrations/lint", "replication", "server"];

type Json = Record<string, unknown> & { [k: string]: any }; // eslint-disable-line @typescript-eslint/no-explicit-any

async function call(s: Sweep, method: "GET" | "POST", path: string, body?: unknown): Promise<Json | null> {
  const r = await fetch(s.base + path, {
    method,
    headers: { cookie: s.cookie, ...(body !== undefined && { origin: s.base, "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 300) {
    s.problems.push(`${r.status} ${method} ${path}: ${text.slice(0, 300)}`);
    return null;
  }
  return r.headers.get("content-type")?.includes("json") ? (JSON.parse(text) as Json) : null;
}

/**
 * Polls until `ok` (a sample or a snapshot has to land first); reports what it waited for otherwise.
 * Not test/helpers/pg.ts's waitFor: that module needs vitest's runner, and a timeout here is a
 * finding to list, not an exception.
 */
async function until(s: Sweep, what: string, read: () => Promise<boolean>, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await read()) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  s.problems.push(`waited ${ms / 1000} s for ${what}`);
  return false;
}

/** `parentListed`: PostgreSQL 13's pg_stat_user_tables has no partitioned parents (14+ does). */
export async function sweepServer(s: Sweep, id: string, expect: { oddTable: string; parentListed: boolean }) {
  const api = `/api/servers/${id}`;
  for (const r of READS) await call(s, "GET", `${api}/${r}`);
  for (const p of PAGES) await call(s, "GET", `/servers/${id}/${p}`);

  // The lock chain: its waiter is in a blocking tree, its locks read, and cancel ends its query.
  const act = await call(s, "GET", `${api}/activity`);
  const waiter = act?.sessions?.find((x: Json) => x.application === "smoke-waiter");
  if (!waiter) s.problems.push(`${id}: the lock chain's waiter is not on the activity page`);
  else {
    if (!JSON.stringify(act?.blockingTrees).includes(`"pid":${waiter.pid}`)) s.problems.push(`${id}: the waiter is in no blocking tree`);
    const locks = await call(s, "GET", `${api}/activity/${waiter.pid}/locks?backendStartUs=${waiter.backendStartUs}`);
    if (locks && !JSON.stringify(locks).includes('"granted":false')) s.problems.push(`${id}: the waiter's locks show no lock it waits for`);
    const out = await call(s, "POST", `${api}/activity/cancel`, { sessions: [{ pid: waiter.pid, backendStartUs: waiter.backendStartUs }], requestId: randomUUID() });
    if (out && !JSON.stringify(out).includes('"cancelled"')) s.problems.push(`${id}: cancel answered ${JSON.stringify(out).slice(0, 200)}`);
  }

  // Statements need two snapshots; then one SELECT of the demo is explained.
  let statements: Json[] = [];
  await until(s, `${id}: statements`, async () => {
    statements = (await call(s, "GET", `${api}/statements?db=shop`))?.statements ?? [];
    return statements.some((x) => /^select/i.test(x.query));
  });
  const select = statements.find((x) => /^select/i.test(x.query));
  if (select) {
    await call(s, "GET", `${api}/statements/${select.queryid}`);
    await call(s, "POST", `${api}/statements/${select.queryid}/explain`, { db: "shop" });
  }

  // ANALYZE of the biggest table, VACUUM ANALYZE of the odd-named one and of the partitioned
  // parent run to their end (names resolved from the catalog, never from the request).
  const rows: Json[] = (await call(s, "GET", `${api}/tables?db=shop`))?.rows ?? [];
  const odd = rows.find((r) => r.name === expect.oddTable);
  const parent = rows.find((r) => r.name === "events");
  if (!odd) s.problems.push(`${id}: the Tables API lacks the odd-named table`);
  const html = await (await fetch(`${s.base}/servers/${id}/tables?db=shop`, { headers: { cookie: s.cookie } })).text();
  if (!html.includes("&lt;b&gt;x&lt;/b&gt;") || html.includes("<b>x</b>")) s.problems.push(`${id}: the Tables page HTML does not show the odd name as text`);
  if (!parent !== !expect.parentListed) s.problems.push(`${id}: the partitioned table is ${parent ? "" : "not "}on the Tables page`);
  const jobs: { relid: number; command: string }[] = [];
  if (rows[0]) jobs.push({ relid: rows[0].oid, command: "analyze" });
  for (const t of [odd, parent]) if (t) jobs.push({ relid: t.oid, command: "vacuum_analyze" });
  for (const j of jobs) await call(s, "POST", `${api}/jobs/${j.command === "analyze" ? "analyze" : "vacuum"}?db=shop`, { command: j.command, relids: [j.relid], lockTimeoutMs: 3000 });
  const mine = async () => {
    const list: Json[] = (await call(s, "GET", `${api}/jobs`))?.jobs ?? [];
    return jobs.map((j) => list.find((x) => x.relid === j.relid && x.command === j.command));
  };
  if (await until(s, `${id}: ${jobs.length} jobs to finish`, async () => (await mine()).every((x) => x?.state === "done"))) {
    for (const x of await mine()) if (x?.outcome !== "ok") s.problems.push(`${id}: ${x?.command} of ${x?.relation} ended ${x?.outcome}: ${x?.message}`);
  }

  await call(s, "POST", `${api}/lint`, { sql: "ALTER TABLE orders ADD COLUMN x int NOT NULL DEFAULT 1;\nCREATE INDEX ON orders (x);", db: "shop" });

  // Every chart series has at least one value once the sampler has run twice.
  await until(s, `${id}: every chart series to have a value`, async () => {
    const charts: Json[] = (await call(s, "GET", `${api}/metrics?range=1h`))?.charts ?? [];
    return charts.length > 0 && charts.every((c) => c.series.every((x: Json) => x.values.some((v: unknown) => v !== null)));
  });
}
