// Lint off the event loop (issue 8 item 2): /api/health latency at rest, while 1 MB
// pathological lints arrive back to back (refused by the pre-checks), and while a heavy lint
// that passes them runs in the worker until the time limit stops it. Figures from one run.
import type { ConsoleStack } from "../helpers/console-stack";

const MB = 1_000_000;
/** The attack at 1 MB: nested comments, quadratic in PostgreSQL's scanner. */
const NESTED = "SELECT 1;\n" + "/*".repeat(MB / 4) + "*/".repeat(MB / 4);
/** Passes the pre-checks (short operator runs, < 10,000 statements) and parses for seconds. */
const HEAVY = ("SELECT 1 " + "+-".repeat(32) + " 1;\n").repeat(9_900);

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function login(stack: ConsoleStack): Promise<string> {
  const res = await fetch(`${stack.baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: stack.baseUrl },
    body: JSON.stringify({ name: "e2e-admin", password: stack.adminPassword }),
  });
  if (!res.ok) throw new Error(`bench login failed: ${res.status}`);
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

/** Health checks every 20 ms until `until` resolves (or for `ms` when given a number). */
async function healthWhile(stack: ConsoleStack, until: Promise<unknown> | number): Promise<number[]> {
  let done = false;
  if (typeof until === "number") setTimeout(() => (done = true), until);
  else void until.finally(() => (done = true));
  const out: number[] = [];
  while (!done) {
    const t0 = performance.now();
    const res = await fetch(`${stack.baseUrl}/api/health`);
    await res.arrayBuffer();
    out.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 20));
  }
  return out;
}

async function lint(stack: ConsoleStack, cookie: string, sql: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${stack.baseUrl}/api/servers/e2e/lint`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: stack.baseUrl, cookie },
    body: JSON.stringify({ sql }),
  });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t0 };
}

const fmt = (v: number) => `${v.toFixed(1)} ms`;

export async function benchLint(stack: ConsoleStack, opts: { seconds: number }) {
  const cookie = await login(stack);
  await lint(stack, cookie, "SELECT 1;"); // the worker started, the route compiled
  await healthWhile(stack, 2_000);
  const rest = await healthWhile(stack, opts.seconds * 1000);

  // Pathological 1 MB requests, one after another, for the same time.
  let refusals = 0;
  let refusalMs = 0;
  const flood = (async () => {
    const end = Date.now() + opts.seconds * 1000;
    while (Date.now() < end) {
      const r = await lint(stack, cookie, NESTED);
      if (r.status !== 400) throw new Error(`the 1 MB nested-comment lint answered ${r.status}, not 400`);
      refusals++;
      refusalMs += r.ms;
    }
  })();
  const duringFlood = await healthWhile(stack, flood);

  // One heavy lint that gets past the pre-checks and runs in the worker until the time limit.
  const heavy = lint(stack, cookie, HEAVY);
  const duringHeavy = await healthWhile(stack, heavy);
  const heavyResult = await heavy;

  const p50 = percentile(rest, 50);
  const p99 = percentile(rest, 99);
  return {
    "health at rest p50 / p99": `${fmt(p50)} / ${fmt(p99)} (${rest.length} checks)`,
    "during 1 MB nested-comment lints p50 / p99": `${fmt(percentile(duringFlood, 50))} / ${fmt(percentile(duringFlood, 99))} (${duringFlood.length} checks)`,
    "  ratio to rest (p50 / p99) ": `${(percentile(duringFlood, 50) / p50).toFixed(2)} / ${(percentile(duringFlood, 99) / p99).toFixed(2)}`,
    "  nested-comment lints refused (400)": `${refusals}, ${fmt(refusalMs / Math.max(1, refusals))} each`,
    "during a heavy 1 MB lint in the worker p50 / p99": `${fmt(percentile(duringHeavy, 50))} / ${fmt(percentile(duringHeavy, 99))} (${duringHeavy.length} checks)`,
    "  ratio to rest (p50 / p99)": `${(percentile(duringHeavy, 50) / p50).toFixed(2)} / ${(percentile(duringHeavy, 99) / p99).toFixed(2)}`,
    "  heavy lint answered": `${heavyResult.status} after ${fmt(heavyResult.ms)}`,
    "target: health p99 during the lint < 100 ms": percentile(duringHeavy, 99) < 100 && percentile(duringFlood, 99) < 100 ? "met" : "NOT met on this run",
  };
}
