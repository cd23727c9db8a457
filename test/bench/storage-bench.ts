// Issue 11: storage pages at 1,000 and 10,000 tables, through the real console (next start) in one
// run, as ratios to a plain catalog query that sizes every table (pg_class with
// pg_total_relation_size: the work PgHero's space page does). Nothing here passes or fails.
//
// - cold Tables: the first request for a database (no size snapshot, fresh pool connection): the
//   route answers one page measured alone (sizesPending) while the whole snapshot runs in the
//   background, whose end is reported too; the plain query runs on a fresh connection too. warm: polls spaced by the read TTL, so each
//   one really reads (measured by the bench client on the same machine: server time + loopback).
// - DB time per minute of one Tables viewer: pg_stat_statements total_exec_time (execution only,
//   track = all) of every statement of the console's role, all databases, while one Chromium tab
//   sits on Tables for BENCH_IDLE_SECONDS — the shell's own polls and background refreshes included.
// - RSS: the `next start` process and its children while 20 viewers poll Tables and Indexes.
import pg from "pg";
import { percentile, login, signedInPage } from "./activity-bench";
import { addSerialTables, createBenchDatabase } from "./many-tables";
import { startConsoleStack, type ConsoleStack } from "../helpers/console-stack";
import { consoleRssMb } from "./process-rss";

const PLAIN_SIZING = /* sql */ `
  SELECT n.nspname, c.relname, pg_total_relation_size(c.oid) AS bytes
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
   ORDER BY 3 DESC`;
const READ_TTL_MS = 1_950;
const POLL_MS = 10_000;
const FIRST_ROW_LOOKS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ms = (v: number) => Math.round(v);
const ratio = (a: number, b: number) => +(a / Math.max(1, b)).toFixed(2);

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, application_name: "pgwarden-bench" });
  c.on("error", () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** A GET; "still computing" (a cold snapshot past the request's wait) is asked again until answered. */
async function get(stack: ConsoleStack, cookie: string, path: string): Promise<{ ms: number; bytes: number; body: string; retries: number }> {
  const t0 = performance.now();
  for (let retries = 0; ; retries++) {
    const res = await fetch(`${stack.baseUrl}${path}`, { headers: { cookie } });
    const body = await res.text();
    if (res.status === 503 && body.includes("still_computing") && retries < 120) {
      await sleep(250);
      continue;
    }
    if (!res.ok) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
    return { ms: performance.now() - t0, bytes: Buffer.byteLength(body), body, retries };
  }
}

const progress = (msg: string) => console.error(`[bench storage ${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** One database of `tables` tables: the plain query, cold and warm Tables, the Indexes answer. */
async function measure(stack: ConsoleStack, cookie: string, tables: number, label: string, out: Record<string, number | string>) {
  const db = `bench_storage_${label}`;
  const url = await createBenchDatabase(stack.cluster.url("postgres"), db);
  progress(`creating ${tables} tables`);
  out[`setup ms @${label} (one DO statement + ANALYZE)`] = ms(await timed(() => addSerialTables(url, 0, tables)));
  progress("measuring");
  const plainCold = await withClient(url, (c) => timed(() => c.query(PLAIN_SIZING)));
  const plainWarm = await withClient(url, async (c) => {
    await c.query(PLAIN_SIZING);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await timed(() => c.query(PLAIN_SIZING)));
    return percentile(runs, 50);
  });
  const tablesPath = `/api/servers/e2e/tables?db=${db}`;
  const cold = await get(stack, cookie, tablesPath);
  // The cold answer is one page measured alone (sizesPending); the whole database's snapshot
  // runs once in the background: when the Tables answer comes from it.
  const pending = (JSON.parse(cold.body) as { sizesPending?: boolean }).sizesPending === true;
  const t0 = performance.now();
  while ((JSON.parse((await get(stack, cookie, tablesPath)).body) as { sizesPending?: boolean }).sizesPending) await sleep(250);
  const wholeMs = performance.now() - t0 + (pending ? cold.ms : 0);
  const warm: number[] = [];
  for (let i = 0; i < 10; i++) {
    await sleep(READ_TTL_MS + 100); // past the per-poll cache: every request reads
    warm.push((await get(stack, cookie, tablesPath)).ms);
  }
  await sleep(READ_TTL_MS + 100);
  const idx = await get(stack, cookie, `/api/servers/e2e/indexes?db=${db}`);
  const idxBody = JSON.parse(idx.body) as { findings: { counts: Record<string, number>; findings: { kind: string; sizeBytes: number }[] } };
  out[`plain sizing query, fresh connection ms @${label}`] = ms(plainCold);
  out[`plain sizing query, warm ms @${label}`] = ms(plainWarm);
  out[`Tables cold (first request) ms @${label}`] = `${ms(cold.ms)}${cold.retries ? ` (after ${cold.retries} "still computing" answers)` : ""}`;
  out[`Tables cold / plain cold @${label} (target ≤ 1.0 at 10k)`] = ratio(cold.ms, plainCold);
  out[`  cold answer: ${pending ? "one page measured alone (sizesPending)" : "from the whole snapshot"}; whole-database sizes served after ms @${label}`] = ms(wholeMs);
  out[`Tables warm p50 ms @${label} (target ≤ 50 at 10k)`] = ms(percentile(warm, 50));
  out[`Tables warm p95 ms @${label}`] = ms(percentile(warm, 95));
  out[`Tables warm p50 / plain warm @${label}`] = ratio(percentile(warm, 50), plainWarm);
  out[`Tables response kB @${label}`] = +(cold.bytes / 1024).toFixed(1);
  out[`Indexes response kB @${label} (target ≤ 100 at 10k)`] = +(idx.bytes / 1024).toFixed(1);
  out[`Indexes ms @${label}`] = ms(idx.ms);
  out[`index findings counted @${label} (unused/duplicate/invalid)`] = Object.values(idxBody.findings.counts).join("/");
  return { db, cold: cold.ms, warm: percentile(warm, 50), plainCold };
}

/** CHECKPOINT, then until no autovacuum worker runs (at most a minute). */
async function untilQuiet(url: string) {
  await withClient(url, async (c) => {
    await c.query("CHECKPOINT");
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const { rows } = await c.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'`);
      if (rows[0].n === 0) return;
      await sleep(250);
    }
  });
}

/** Console statements' execution time while `fn` runs, from pg_stat_statements (all databases). */
async function consoleDbTime(stack: ConsoleStack, fn: () => Promise<void>) {
  const su = stack.cluster.url("shop");
  await withClient(su, (c) => c.query("SELECT pg_stat_statements_reset()"));
  await fn();
  return withClient(su, async (c) => {
    const { rows } = await c.query(
      `SELECT left(regexp_replace(s.query, '\\s+', ' ', 'g'), 70) AS q, s.total_exec_time::float8 AS ms, s.calls::int AS calls
         FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = 'pgwarden' ORDER BY 2 DESC`,
    );
    return { ms: rows.reduce((a, r) => a + r.ms, 0) as number, calls: rows.reduce((a, r) => a + r.calls, 0) as number, top: rows.slice(0, 4) };
  });
}

/**
 * First rows as the issue defines them: ms after navigation start (the document's time origin)
 * until the first `testId` row is in the document, in a fresh signed-in Chromium (the session
 * cookie is set beforehand: no sign-in page; the console is already started; the browser's cache
 * is empty, so every script chunk is fetched). Also when the HTML's last byte arrived and whether
 * the rows came with it (server-rendered) or only after hydration and a client fetch.
 */
export async function firstRows(stack: ConsoleStack, cookie: string, path: string, testId: string, opts: { warmBrowser?: boolean } = {}) {
  const { browser, page } = await signedInPage(stack, cookie);
  try {
    // warmBrowser: another console page (Fleet) loaded first in the same tab — the browser and its
    // renderer started, script chunks in its cache — as when a DBA clicks through from another page.
    if (opts.warmBrowser) await page.goto("/fleet", { waitUntil: "load" });
    await page.addInitScript((id) => {
      const w = window as unknown as { __firstRow?: number };
      new MutationObserver((_, obs) => {
        if (document.querySelector(`[data-testid=${id}]`)) {
          w.__firstRow = performance.now();
          obs.disconnect();
        }
      }).observe(document, { subtree: true, childList: true });
    }, testId);
    const doc = await page.goto(path);
    const html = (await doc?.text()) ?? "";
    await page.getByTestId(testId).first().waitFor({ timeout: 60_000 });
    const t = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
      return { row: (window as unknown as { __firstRow: number }).__firstRow, htmlEnd: nav.responseEnd, firstByte: nav.responseStart, dcl: nav.domContentLoadedEventEnd };
    });
    return { ms: ms(t.row), firstByte: ms(t.firstByte), htmlEnd: ms(t.htmlEnd), dcl: ms(t.dcl), rowsInHtml: html.split(`data-testid="${testId}"`).length - 1 };
  } finally {
    await browser.close();
  }
}

export async function benchStorage(opts: { idleSeconds: number; viewers: number; viewerSeconds: number }): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  // 10,000 tables in one DO statement: ~6 locks per table held until commit.
  const stack = await startConsoleStack({ pgSettings: { max_locks_per_transaction: 1024 }, env: { PGWARDEN_SAMPLER: "off" } });
  try {
    const cookie = await login(stack);
    const small = await measure(stack, cookie, 1_000, "1k", out);
    const big = await measure(stack, cookie, 10_000, "10k", out);
    out["growth 1k → 10k, Tables cold (target ≤ 12)"] = ratio(big.cold, small.cold);
    out["growth 1k → 10k, plain sizing query cold"] = ratio(big.plainCold, small.plainCold);
    out["growth 1k → 10k, Tables warm p50"] = ratio(big.warm, small.warm);

    // Creating 10,000 tables leaves the cluster busy for a while (autovacuum workers, dirty
    // buffers): the first rows are measured once it is quiet, as a DBA's database would be.
    out["  waited for the cluster to be quiet before Chromium, ms (CHECKPOINT, no autovacuum worker)"] = ms(await timed(() => untilQuiet(stack.cluster.url("postgres"))));
    progress("Chromium");
    const tables = `/servers/e2e/tables?db=${big.db}`;
    const indexes = `/servers/e2e/indexes?db=${big.db}`;
    for (const [name, path, id] of [["Tables", tables, "table-row"], ["Indexes", indexes, "index-row"]] as const) {
      // One fresh browser per look (a new tab's first page); the median of FIRST_ROW_LOOKS, since
      // one look on a shared 2-core machine is at the mercy of Chromium's own start-up.
      const looks = [];
      for (let i = 0; i < FIRST_ROW_LOOKS; i++) looks.push(await firstRows(stack, cookie, path, id));
      const f = looks.toSorted((a, b) => a.ms - b.ms)[Math.floor(FIRST_ROW_LOOKS / 2)]!;
      out[`first rows in Chromium, ${name} @10k, median of ${FIRST_ROW_LOOKS} fresh tabs, ms after navigation start (target ≤ 500)`] = f.ms;
      out[`  ${name}: every look, ms (HTML first byte)`] = looks.map((l) => `${l.ms} (${l.firstByte})`).join(", ");
      out[`  ${name} (median look): HTML first byte / last byte / DOMContentLoaded ms; rows in the HTML`] = `${f.firstByte} / ${f.htmlEnd} / ${f.dcl}; ${f.rowsInHtml}`;
      const w = await firstRows(stack, cookie, path, id, { warmBrowser: true });
      out[`  ${name} after another console page in the same tab: first rows ms; HTML first / last byte; rows in the HTML`] = `${w.ms}; ${w.firstByte} / ${w.htmlEnd}; ${w.rowsInHtml}`;
    }

    const t = await consoleDbTime(stack, async () => {
      const { browser, page } = await signedInPage(stack, cookie);
      await page.goto(tables);
      await page.getByTestId("table-row").first().waitFor();
      await sleep(opts.idleSeconds * 1000);
      await browser.close();
    });
    out[`console DB time per minute, one Tables viewer @10k, ms (target ≤ 600; over ${opts.idleSeconds} s)`] = ms((t.ms * 60) / opts.idleSeconds);
    out["console statements per minute, one Tables viewer"] = Math.round((t.calls * 60) / opts.idleSeconds);
    t.top.forEach((r: { q: string; ms: number; calls: number }, i: number) => (out[`  top ${i + 1}: ${r.q}`] = `${ms(r.ms)} ms in ${r.calls} calls`));

    progress(`${opts.viewers} viewers`);
    // 20 viewers, half on Tables and half on Indexes, each polling every 10 s from a random offset.
    let maxRss = consoleRssMb();
    const rssBefore = maxRss;
    const latencies: number[] = [];
    const end = Date.now() + opts.viewerSeconds * 1000;
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, consoleRssMb())), 500);
    const viewer = async (i: number) => {
      await sleep(Math.random() * POLL_MS);
      const path = i % 2 ? `/api/servers/e2e/indexes?db=${big.db}` : `/api/servers/e2e/tables?db=${big.db}`;
      while (Date.now() < end) {
        const r = await get(stack, cookie, path);
        latencies.push(r.ms);
        await sleep(Math.max(0, POLL_MS - r.ms));
      }
    };
    await Promise.all(Array.from({ length: opts.viewers }, (_, i) => viewer(i)));
    clearInterval(sampler);
    out[`console RSS MB before / max with ${opts.viewers} viewers (target < 300)`] = `${rssBefore} / ${maxRss}`;
    out[`API p95 ms with ${opts.viewers} viewers`] = ms(percentile(latencies, 95));
  } finally {
    await stack.stop();
  }
  return out;
}
