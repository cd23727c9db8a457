import fs from "node:fs";
import path from "node:path";
import { CANARY } from "./canary";
import { appSession, endSession, expect, settle, signIn, test } from "./fixtures";

// The canary server does not exist (port 1): its polls answer 503, which the browser logs.
test.use({ consoleErrorsAllowed: [/status of 503 .*\/api\/servers\/e2e-canary\//] });

test("HTML and script in application_name and query text render as literal text, and nothing runs", async ({ admin }) => {
  const problems: string[] = [];
  admin.on("dialog", (d) => (problems.push(`dialog: ${d.message()}`), void d.dismiss()));
  admin.on("console", (m) => /Content Security Policy/.test(m.text()) && problems.push(m.text()));
  const evil = await appSession(`<img src=x onerror="window.__xss=1">`);
  const running = settle(evil.query(`SELECT '<script>window.__xss=2</script><b>bold</b>', pg_sleep(600)`));
  await admin.goto("/servers/e2e/activity?text=__xss");
  const row = admin.getByTestId("session-row").filter({ hasText: "<img src=x" });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("<script>window.__xss=2</script>");
  await row.getByRole("button", { name: /show the whole query|<script>/ }).first().click();
  await expect(admin.getByRole("dialog")).toContainText("<b>bold</b>");
  expect(await admin.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  expect(await admin.locator("img[src=x], b:text('bold')").count()).toBe(0);
  expect(problems).toEqual([]);
  const csp = (await admin.request.get("/servers/e2e/activity")).headers()["content-security-policy"] ?? "";
  expect(csp).toMatch(/script-src [^;]*'nonce-/);
  expect(csp).not.toMatch(/unsafe-eval/);
  expect(csp).toMatch(/frame-ancestors 'none'/);
  await endSession(evil);
  await running;
});

test("a viewer sees activity without cancel or terminate buttons", async ({ page }) => {
  await signIn(page, "e2e-viewer", process.env.E2E_VIEWER_PASSWORD!);
  const s = await appSession("e2e-viewer-target");
  const running = settle(s.query("SELECT pg_sleep(600)"));
  await page.goto("/servers/e2e/activity?application=e2e-viewer-target");
  const row = page.getByTestId("session-row").filter({ hasText: "e2e-viewer-target" });
  await expect(row).toHaveCount(1);
  await expect(row.getByRole("button", { name: "Cancel" })).toHaveCount(0);
  await expect(page.getByRole("form", { name: "Bulk rule" })).toHaveCount(0);
  const res = await page.request.post("/api/servers/e2e/activity/cancel", {
    data: { sessions: [{ pid: s.pid, backendStartUs: 1 }], requestId: crypto.randomUUID() },
    headers: { origin: process.env.E2E_BASE_URL! },
  });
  expect(res.status()).toBe(403);
  await endSession(s);
  await running;
});

test("a server's password appears in no page, payload, static asset, response or log", async ({ admin }) => {
  const seen: string[] = [];
  admin.on("response", async (r) => {
    const body = await r.text().catch(() => "");
    if (body.includes(CANARY)) seen.push(r.url());
  });
  for (const p of ["/servers/e2e-canary/activity", "/servers/e2e/activity", "/servers/e2e-canary/server", "/audit"]) {
    await admin.goto(p);
    await admin.waitForLoadState("networkidle");
  }
  for (const api of ["/api/servers", "/api/me", "/api/servers/e2e-canary/activity", "/api/servers/e2e-canary/databases", "/api/servers/e2e-canary/server-info"]) {
    const body = await (await admin.request.get(api)).text();
    if (body.includes(CANARY)) seen.push(api);
  }
  // Everything the browser could ever download: the built static assets.
  const dist = path.resolve(process.env.PGWARDEN_DIST_DIR || ".next", "static");
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]));
  for (const f of walk(dist)) if (fs.readFileSync(f).includes(CANARY)) seen.push(f);
  if (fs.readFileSync(process.env.E2E_SERVER_LOG!, "utf8").includes(CANARY)) seen.push("server log");
  expect(seen).toEqual([]);
});
