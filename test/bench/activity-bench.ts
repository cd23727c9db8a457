// Activity benchmarks (issue: foundation): coalescing under 50 pollers, API latency, 2,000 sessions
// in Chromium, and the console's own database time at rest. Figures are from one run, as ratios
// where a target is a ratio; nothing here passes or fails.
import { chromium, type Page } from "@playwright/test";
import pg from "pg";
import { withClient } from "../../lib/cli/demo-database";
import { CHROMIUM_ARGS, systemChromium } from "../helpers/chromium";
import type { ConsoleStack } from "../helpers/console-stack";

const POLL_MS = 2_000;

const superuser = <T>(stack: ConsoleStack, fn: (c: pg.Client) => Promise<T>) => withClient(stack.cluster.url("shop"), fn);

const resetStatements = (stack: ConsoleStack) => superuser(stack, (c) => c.query("SELECT pg_stat_statements_reset()"));

/** Executions of the activity snapshot query (recognised by its text) since the last reset. */
const activityQueryCalls = (stack: ConsoleStack) =>
  superuser(stack, async (c) => {
    const { rows } = await c.query(
      `SELECT coalesce(sum(calls), 0)::int AS n FROM pg_stat_statements
        WHERE query LIKE '%pg_blocking_pids%' AND query LIKE '%FROM pg_stat_activity a%'`,
    );
    return rows[0].n as number;
  });

export async function login(stack: ConsoleStack): Promise<string> {
  const res = await fetch(`${stack.baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: stack.baseUrl },
    body: JSON.stringify({ name: "e2e-admin", password: stack.adminPassword }),
  });
  if (!res.ok) throw new Error(`bench login failed: ${res.status}`);
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** N pollers, each every 2 s from a random offset, for `seconds`; returns request latencies. */
async function poll(stack: ConsoleStack, cookie: string, pollers: number, seconds: number): Promise<number[]> {
  const url = `${stack.baseUrl}/api/servers/e2e/activity`;
  const end = Date.now() + seconds * 1000;
  const latencies: number[] = [];
  const poller = async () => {
    await new Promise((r) => setTimeout(r, Math.random() * POLL_MS));
    while (Date.now() < end) {
      const t0 = performance.now();
      const res = await fetch(url, { headers: { cookie } });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, Math.max(0, POLL_MS - (performance.now() - t0))));
    }
  };
  await Promise.all(Array.from({ length: pollers }, poller));
  return latencies;
}

export async function signedInPage(stack: ConsoleStack, cookie: string) {
  const browser = await chromium.launch({ executablePath: systemChromium(), args: CHROMIUM_ARGS });
  const ctx = await browser.newContext({ baseURL: stack.baseUrl, viewport: { width: 1500, height: 950 } });
  const [name, value] = cookie.split("=") as [string, string];
  await ctx.addCookies([{ name, value, url: stack.baseUrl }]);
  const page: Page = await ctx.newPage();
  return { browser, page };
}

export async function benchActivity(stack: ConsoleStack, opts: { seconds: number; idleSeconds: number; sessions: number }) {
  const out: Record<string, number | string> = {};
  const cookie = await login(stack);
  await poll(stack, cookie, 1, 4); // warm the build and the pools

  await resetStatements(stack);
  const one = await poll(stack, cookie, 1, opts.seconds);
  const callsOne = await activityQueryCalls(stack);
  await resetStatements(stack);
  const fifty = await poll(stack, cookie, 50, opts.seconds);
  const callsFifty = await activityQueryCalls(stack);
  const intervals = opts.seconds / (POLL_MS / 1000);
  out["activity query executions per 2 s interval, 1 poller"] = +(callsOne / intervals).toFixed(2);
  out["activity query executions per 2 s interval, 50 pollers"] = +(callsFifty / intervals).toFixed(2);
  out["ratio 50 pollers / 1 poller (target ≤ 1.1)"] = +(callsFifty / callsOne).toFixed(2);
  out["API requests served, 50 pollers"] = fifty.length;
  out["API p50 ms, 50 pollers"] = +percentile(fifty, 50).toFixed(1);
  out["API p95 ms, 50 pollers (target < 50)"] = +percentile(fifty, 95).toFixed(1);
  out["API p95 ms, 1 poller"] = +percentile(one, 95).toFixed(1);

  // The console's own database time at rest: one browser viewer on the activity page.
  {
    const { browser, page } = await signedInPage(stack, cookie);
    await page.goto("/servers/e2e/activity");
    await page.getByTestId("session-row").first().waitFor();
    await resetStatements(stack);
    await page.waitForTimeout(opts.idleSeconds * 1000);
    const t = await superuser(stack, async (c) => {
      const { rows } = await c.query(
        `SELECT coalesce(sum(s.total_exec_time), 0)::float8 AS ms, coalesce(sum(s.calls), 0)::int AS calls
           FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid WHERE r.rolname = 'pgwarden'`,
      );
      return rows[0] as { ms: number; calls: number };
    });
    out["console database time per minute, one viewer at rest (ms)"] = +((t.ms * 60) / opts.idleSeconds).toFixed(1);
    out["console statements per minute, one viewer at rest"] = Math.round((t.calls * 60) / opts.idleSeconds);
    await browser.close();
  }

  // 2,000 client sessions: first rows in Chromium, and the main thread while it keeps polling.
  const clients: pg.Client[] = [];
  try {
    for (let i = 0; i < opts.sessions; i += 100) {
      const batch = Array.from({ length: Math.min(100, opts.sessions - i) }, (_, j) => {
        const c = new pg.Client({ connectionString: stack.appUrl, application_name: `bench-idle-${i + j}` });
        c.on("error", () => {});
        return c.connect().then(() => clients.push(c));
      });
      await Promise.all(batch);
    }
    // Wait until the shared snapshot includes them (the last one may be up to a TTL old).
    let body = "";
    for (let seen = 0; seen < opts.sessions; ) {
      body = await (await fetch(`${stack.baseUrl}/api/servers/e2e/activity`, { headers: { cookie } })).text();
      seen = (JSON.parse(body) as { totalSessions: number }).totalSessions;
      if (seen < opts.sessions) await new Promise((r) => setTimeout(r, POLL_MS));
    }
    out[`activity response with ${opts.sessions} sessions (kB)`] = Math.round(body.length / 1024);
    const { browser, page } = await signedInPage(stack, cookie);
    await page.addInitScript(() => {
      const w = window as unknown as { __long: number[]; __firstRow?: number };
      w.__long = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => w.__long.push(e.duration))).observe({ type: "longtask", buffered: true });
      // When the first session row enters the document, in ms since navigation start.
      new MutationObserver((_, obs) => {
        if (document.querySelector("[data-testid=session-row]")) {
          w.__firstRow = performance.now();
          obs.disconnect();
        }
      }).observe(document, { subtree: true, childList: true });
    });
    await page.goto("/servers/e2e/activity");
    await page.getByTestId("session-row").first().waitFor();
    const timing = await page.evaluate(() => ({
      firstRow: (window as unknown as { __firstRow: number }).__firstRow,
      load: (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).loadEventEnd,
    }));
    out[`first rows visible in Chromium with ${opts.sessions} sessions, ms after navigation start (target < 1000)`] = Math.round(timing.firstRow);
    out["page load event (ms after navigation start)"] = Math.round(timing.load);
    out["rows in the DOM (virtualized)"] = await page.getByTestId("session-row").count();
    await page.evaluate(() => (window as unknown as { __long: number[] }).__long.splice(0));
    const table = page.getByTestId("session-table");
    for (let i = 0; i < 10; i++) {
      await table.evaluate((el, y) => el.scrollTo(0, y), i * 6000);
      await page.waitForTimeout(500);
    }
    const long = await page.evaluate(() => (window as unknown as { __long: number[] }).__long);
    out["longest main-thread task over 5 s of polling + scrolling (ms)"] = Math.round(Math.max(0, ...long));
    out["main-thread time in long tasks over those 5 s (ms)"] = Math.round(long.reduce((a, b) => a + b, 0));
    await browser.close();
  } finally {
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
  }
  return out;
}
