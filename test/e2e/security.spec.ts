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

/**
 * Every page of the console (each page.tsx under app/), with [server] filled in. A page under
 * another dynamic segment (a statement's [queryid]) needs a real id: its own spec visits it
 * (queries.spec.ts).
 */
function pagePaths(server: string): string[] {
  const root = path.resolve("app");
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== "api") walk(path.join(dir, e.name));
      else if (e.name === "page.tsx") {
        const segs = path.relative(root, dir).split(path.sep).filter((s) => s && !/^\(.*\)$/.test(s));
        if (segs.some((s) => s.startsWith("[") && s !== "[server]")) continue;
        out.push(`/${segs.map((s) => (s === "[server]" ? server : s)).join("/")}`);
      }
    }
  };
  walk(root);
  return out.sort();
}

test.describe(() => {
  // The control at the end provokes one violation on purpose; the pages themselves are checked by
  // the securitypolicyviolation listener, which no allowance affects.
  test.use({ consoleErrorsAllowed: [/Evaluating a string as JavaScript violates/] });
  test("issue 8 item 11: every page as a viewer raises zero securitypolicyviolation events", async ({ page }) => {
    test.setTimeout(240_000); // eleven pages, each until the network is idle
    await page.addInitScript(() => {
      const w = window as unknown as { __csp: string[] };
      w.__csp = [];
      document.addEventListener("securitypolicyviolation", (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
    });
    await signIn(page, "e2e-viewer", process.env.E2E_VIEWER_PASSWORD!);
    const paths = pagePaths("e2e");
    expect(paths).toEqual(expect.arrayContaining(["/", "/login", "/audit", "/servers/e2e/activity", "/servers/e2e/tables"]));
    const violations: string[] = [];
    for (const p of paths) {
      await page.goto(p);
      await page.waitForLoadState("networkidle");
      violations.push(...(await page.evaluate(() => (window as unknown as { __csp: string[] }).__csp)).map((v) => `${p}: ${v}`));
    }
    expect(violations).toEqual([]);
    // Control: the listener does see code compiled from a string in the page (what zod's probe did).
    // (page.evaluate itself is exempt from the CSP, so the string goes through a timer.)
    const control = await page.evaluate(async () => {
      (setTimeout as (code: string, ms: number) => number)("void 0", 0);
      await new Promise((r) => setTimeout(r, 200));
      return (window as unknown as { __csp: string[] }).__csp;
    });
    expect(control.join("\n")).toMatch(/script-src|eval/);
  });
});

test("issue 8 item 6: before sign-in, / and every page answer the same, whatever the server id", async ({ request }) => {
  const base = process.env.E2E_BASE_URL!;
  const dummy = { cookie: "pgwarden_session=anything-at-all" };
  const answer = async (p: string, headers: Record<string, string> = {}) => {
    const res = await request.get(`${base}${p}`, { maxRedirects: 0, headers });
    return { status: res.status(), location: res.headers()["location"] ?? "", body: await res.text() };
  };
  // "/" with a dummy cookie: to the sign-in page, not to the first server.
  const home = await answer("/", dummy);
  expect(home.status).toBe(307);
  expect(new URL(home.location, base).pathname).toBe("/login");
  expect(home.location + home.body).not.toContain("/servers/");
  // A known and an unknown id look alike, with and without a (dummy) cookie.
  for (const headers of [dummy, {}]) {
    const known = await answer("/servers/e2e/activity", headers);
    const unknown = await answer("/servers/no-such-server/activity", headers);
    expect(known.status).toBe(307);
    expect(unknown.status).toBe(known.status);
    expect(new URL(unknown.location, base).pathname).toBe(new URL(known.location, base).pathname);
  }
});

test.describe(() => {
  // The two 404 pages are the point of this test; the browser reports each as a failed load.
  test.use({ consoleErrorsAllowed: [/status of 404 .*\/servers\/(e2e-canary|no-such-server)\/activity/] });
  test("issue 8 item 10: a server hidden from a viewer (role none) is not listed and its pages are an unknown id's 404", async ({ page }) => {
    await signIn(page, "e2e-viewer", process.env.E2E_VIEWER_PASSWORD!);
    const servers = await (await page.request.get("/api/servers")).json();
    expect(servers.servers.map((s: { id: string }) => s.id)).not.toContain("e2e-canary");
    // Next answers notFound() with its empty error shell and the browser draws the 404 page from the
    // payload (vercel/next.js#62228), possibly after "load": wait for the page before reading it.
    const notFoundText = async () => {
      await expect(page.getByTestId("not-found")).toBeVisible();
      return page.locator("body").innerText();
    };
    const hidden = await page.goto("/servers/e2e-canary/activity");
    const hiddenText = await notFoundText();
    const unknown = await page.goto("/servers/no-such-server/activity");
    expect(hidden?.status()).toBe(404);
    expect(unknown?.status()).toBe(404);
    expect(hiddenText).toContain("Page not found");
    expect(hiddenText).toBe(await notFoundText());
    const api = await page.request.get("/api/servers/e2e-canary/activity");
    expect(api.status()).toBe(404);
    expect((await api.json()).error.code).toBe("unknown_server");
    // The picker lists only what the viewer may see.
    await page.goto("/servers/e2e/activity");
    await expect(page.locator("body")).not.toContainText("e2e canary");
  });
});

test("issue 8 item 3: the audit log records the socket's address, not a forged X-Forwarded-For", async ({ admin }) => {
  const res = await admin.request.post("/api/auth/login", {
    data: { name: "e2e-viewer", password: process.env.E2E_VIEWER_PASSWORD! },
    headers: { origin: process.env.E2E_BASE_URL!, "x-forwarded-for": "203.0.113.77", "x-pgwarden-peer": "198.51.100.66" },
  });
  expect(res.status()).toBe(200);
  await signIn(admin); // the login above replaced the admin's cookie in this context
  const audit = await (await admin.request.get("/api/audit?user=e2e-viewer&action=login&outcome=ok&limit=1")).json();
  expect(audit.rows[0].client).toBe("127.0.0.1");
});
