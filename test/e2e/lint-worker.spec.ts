// Issue 8 item 2 against the production build (`next build && next start`): linting runs in a
// worker thread there too, so a heavy lint delays neither /api/health nor a cancel, and each
// user has one lint at a time. (The time limit itself: test/integration/lint-worker.test.ts.)
import { appSession, endSession, expect, settle, test } from "./fixtures";

const NESTED = "SELECT 1;\n" + "/*".repeat(200_000) + "*/".repeat(200_000);
/** 955 kB that passes the pre-checks (64-character operator runs, 6,500 statements) yet takes many seconds to parse. */
const HEAVY = `SELECT 1 ${"+-".repeat(32)} 1, 2 ${"+-".repeat(32)} 2;\n`.repeat(6_500);

const headers = () => ({ origin: process.env.E2E_BASE_URL! });

test("the production build lints in its worker: findings come back", async ({ admin }) => {
  const res = await admin.request.post("/api/servers/e2e/lint", { data: { sql: "CREATE INDEX orders_x ON orders (created_at);" }, headers: headers() });
  expect(res.status(), await res.text()).toBe(200);
  const body = (await res.json()) as { findings: { rule: string }[]; statementCount: number };
  expect(body.statementCount).toBe(1);
  expect(body.findings.length).toBeGreaterThan(0);
});

test("the issue's 800 kB of nested comments is refused at once, before parsing", async ({ admin }) => {
  const t0 = Date.now();
  const res = await admin.request.post("/api/servers/e2e/lint", { data: { sql: NESTED }, headers: headers() });
  expect(res.status()).toBe(400);
  expect(((await res.json()) as { error: { message: string } }).error.message).toContain("nested more than 32 deep");
  expect(Date.now() - t0).toBeLessThan(3_000);
});

test("during a heavy lint: a second lint by the same user gets 429, health and a cancel answer meanwhile", async ({ admin }) => {
  const victim = await appSession("e2e-lint-victim");
  const running = settle(victim.query("SELECT pg_sleep(600)"));
  let seen: { pid: number; backendStartUs: number } | undefined;
  await expect(async () => {
    const res = await admin.request.get("/api/servers/e2e/activity?application=e2e-lint-victim&state=active");
    seen = ((await res.json()) as { sessions: { pid: number; backendStartUs: number }[] }).sessions[0];
    expect(seen?.pid).toBe(victim.pid);
  }).toPass();
  // Warm: the worker is started and the route compiled before the measured part.
  expect((await admin.request.post("/api/servers/e2e/lint", { data: { sql: "SELECT 1;" }, headers: headers() })).status()).toBe(200);

  // Plain fetch from here: Playwright's request context funnels a 1 MB body through its driver
  // pipe, which would delay the health checks on the client side, not in the console.
  const cookie = (await admin.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const call = (path: string, body?: unknown) =>
    fetch(`${process.env.E2E_BASE_URL}${path}`, {
      ...(body === undefined ? {} : { method: "POST", body: JSON.stringify(body) }),
      headers: { cookie, ...headers(), "content-type": "application/json" },
    });

  // A small lint by the same user: 200 until the heavy one has started, then 429 while it runs.
  // If a small one happens to be in flight when the heavy one arrives, the heavy one is the one
  // refused (429, correctly): then the heavy one is sent again.
  let settled = false;
  let heavy: Promise<Response>;
  let second: { status: number; body: { error?: { code: string; message: string } } };
  for (let attempt = 1; ; attempt++) {
    settled = false;
    heavy = call("/api/servers/e2e/lint", { sql: HEAVY }).finally(() => (settled = true));
    do {
      const r = await call("/api/servers/e2e/lint", { sql: "SELECT 1;" });
      second = { status: r.status, body: await r.json() };
    } while (second.status === 200 && !settled);
    if (second.status === 429 || attempt === 5) break;
    expect((await heavy).status).toBe(429); // lost the race to a small lint; nothing else may end it this early
  }
  expect(second.status).toBe(429);
  expect(second.body.error?.code).toBe("lint_in_progress");
  expect(second.body.error?.message).toContain("already have a lint running");

  const healthMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const h0 = Date.now();
    expect((await call("/api/health")).status).toBe(200);
    healthMs.push(Date.now() - h0);
  }
  const c0 = Date.now();
  const cancel = await call("/api/servers/e2e/activity/cancel", { sessions: [seen], requestId: crypto.randomUUID() });
  const cancelMs = Date.now() - c0;
  const timings = `health ${healthMs.join(", ")} ms, cancel ${cancelMs} ms`;
  expect(settled, timings).toBe(false); // all of that was answered while the lint was running
  expect(((await cancel.json()) as { outcomes: { outcome: string }[] }).outcomes[0]?.outcome).toBe("cancelled");
  expect((await running).error?.code).toBe("57014");
  // Generous bounds for a shared machine; on the event loop the lint held every request for its
  // whole run (17 minutes for the input; many seconds for this one).
  expect(cancelMs, timings).toBeLessThan(2_000);
  expect(Math.max(...healthMs), timings).toBeLessThan(2_000);

  // Finished or stopped at the time limit (10 s by default); either way an answer, not a hang.
  const done = await heavy;
  expect([200, 422]).toContain(done.status);
  if (done.status === 422) expect(((await done.json()) as { error: { message: string } }).error.message).toContain("too complex to lint in 10 s");
  await endSession(victim);
});
