// Issue 8, item 8: bursts degrade, never fail. 1,000 parallel authenticated reads against the
// production build: no 500 (the store's pool makes callers wait instead of failing; a busy store
// is a 503 with Retry-After that names the store, never a monitored server marked unreachable)
// and no unhandled rejection in the server's log.
import fs from "node:fs";
import { expect, test } from "./fixtures";

// What the pages poll: the session check (store) behind every one, the shared activity read, the
// job list (store), the storage pages, the database list, the server facts and the health check.
// The monitored server's connections are a budget (PGWARDEN_POOL_MAX): a burst beyond it waits,
// then is told "console busy" (503, Retry-After), never that the server is unreachable.
const READS = [
  "/api/me",
  "/api/servers",
  "/api/servers/e2e/activity",
  "/api/servers/e2e/jobs?db=shop",
  "/api/servers/e2e/tables?db=shop",
  "/api/servers/e2e/indexes?db=shop",
  "/api/servers/e2e/databases",
  "/api/servers/e2e/server-info",
  "/api/health",
];
const BUSY = ['"store_unavailable"', '"console_busy"'];

test("1,000 parallel mixed authenticated reads: no 500, no unhandled rejection, no healthy server called unreachable", async () => {
  test.setTimeout(240_000);
  const base = process.env.E2E_BASE_URL!;
  const login = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { origin: base, "content-type": "application/json" },
    body: JSON.stringify({ name: "e2e-viewer", password: process.env.E2E_VIEWER_PASSWORD }),
  });
  expect(login.status).toBe(200);
  const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
  // A console that has been running a while has its connections open: so does this one.
  for (const url of READS) expect((await fetch(`${base}${url}`, { headers: { cookie } })).status).toBe(200);
  const logBefore = fs.readFileSync(process.env.E2E_SERVER_LOG!, "utf8").length;

  const results = await Promise.all(
    Array.from({ length: 1_000 }, async (_, i) => {
      const url = READS[i % READS.length]!;
      try {
        const res = await fetch(`${base}${url}`, { headers: { cookie } });
        return { url, status: res.status, retryAfter: res.headers.get("retry-after"), body: await res.text() };
      } catch (err) {
        return { url, status: 0, retryAfter: null, body: String(err) };
      }
    }),
  );
  const byStatus: Record<number, number> = {};
  for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const log = fs.readFileSync(process.env.E2E_SERVER_LOG!, "utf8").slice(logBefore);
  const problems = [
    ...(/unhandled/i.test(log) ? [`server log: ${log.slice(0, 2_000)}`] : []),
    // Anything not served was told, with Retry-After, that the console (its store or its connection
    // budget) was busy.
    ...results
      .filter((r) => r.status !== 200 && !(r.status === 503 && r.retryAfter && BUSY.some((code) => r.body.includes(code))))
      .map((r) => `${r.status} ${r.url} retry-after=${r.retryAfter} ${r.body.slice(0, 160)}`),
  ];
  expect(problems, JSON.stringify(byStatus)).toEqual([]);
  expect(byStatus[200] ?? 0, JSON.stringify(byStatus)).toBeGreaterThan(500);
  // Afterwards the monitored server is as healthy as before, and so is the store.
  expect((await fetch(`${base}/api/servers/e2e/activity`, { headers: { cookie } })).status).toBe(200);
  expect(await (await fetch(`${base}/api/health`)).json()).toMatchObject({ ok: true, store: "ok" });
});
