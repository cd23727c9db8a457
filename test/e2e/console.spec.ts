import { expect, test } from "./fixtures";

// The console as a whole: every page keeps the navigation and logs no browser error (the fixture
// fails on any), a real 404, an icon, addresses with wrong parameters corrected out loud, times in
// one format switchable to local, finished jobs folded away.

const PAGES = ["Activity", "Tables", "Indexes", "Space", "Maintenance", "Migrations", "Lint", "Server", "Audit log"];

test.use({ viewport: { width: 1366, height: 768 } });

test("every page, reached through the navigation, renders its title with zero console errors", async ({ admin }) => {
  test.setTimeout(180_000);
  await admin.goto("/servers/e2e/activity?db=shop");
  for (const name of PAGES) {
    await admin.getByRole("navigation", { name: "Pages" }).getByRole("link", { name, exact: true }).click();
    await expect(admin.getByRole("navigation", { name: "Pages" }).getByRole("link", { name, exact: true })).toHaveAttribute("aria-current", "page");
    await expect(admin.getByRole("heading", { level: 1 })).toBeVisible();
    // Let the page's first polls land (an error in them is a console error too).
    await admin.waitForLoadState("networkidle");
    await expect(admin.getByTestId("stale-banner")).toHaveCount(0);
  }
  // The audit log keeps the console's navigation and the server's links.
  await expect(admin).toHaveURL(/\/audit$/);
  await expect(admin.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Activity" })).toHaveAttribute("href", "/servers/e2e/activity");
  const icon = await admin.request.get("/favicon.ico");
  expect(icon.status()).toBe(200);
  expect(icon.headers()["content-type"]).toMatch(/image/);
});

test("an unknown address is a real 404 page with the way back", async ({ admin }) => {
  const res = await admin.request.get("/servers/e2e/no-such-page");
  expect(res.status()).toBe(404);
  const unknownServer = await admin.request.get("/servers/no-such-server/activity");
  expect(unknownServer.status()).toBe(404);
  expect(await unknownServer.text()).toContain("Page not found");
});

test("wrong URL parameters are named, removed or corrected, never silently ignored", async ({ admin }) => {
  await admin.goto("/servers/e2e/activity?state=bogus&user=shop_app&database=shop");
  const notice = admin.getByTestId("url-notice");
  await expect(notice).toContainText("state=bogus is not valid (not a session state");
  await expect(notice).toContainText("database= is now db=");
  await expect(admin).toHaveURL(/\?user=shop_app&db=shop$/);
  await expect(admin.getByLabel("Database")).toHaveValue("shop");
  await expect(admin.getByLabel("user", { exact: true })).toHaveValue("shop_app");
  await notice.getByRole("button", { name: "Dismiss" }).click();
  await expect(notice).toHaveCount(0);

  await admin.goto("/servers/e2e/tables?db=shop&offset=5000&sort=bogus");
  await expect(notice).toContainText("sort=bogus is not valid");
  await expect(notice).toContainText("offset=5000 is past the end");
  await expect(admin).not.toHaveURL(/offset=5000/);
  await expect(admin.getByTestId("table-row").first()).toBeVisible();
  await expect(admin.getByTestId("pager").first()).toContainText(/\d+–\d+ of \d+/);
});

test.describe("in Kolkata", () => {
  test.use({ timezoneId: "Asia/Kolkata" });

  test("timestamps: one format with the zone, switched to local and remembered", async ({ admin }) => {
    await admin.goto("/audit");
    const first = admin.getByTestId("audit-table").locator("time").first();
    await expect(first).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
    const utc = await first.textContent();
    await admin.getByRole("group", { name: "Time zone" }).getByRole("button", { name: "local" }).click();
    await expect(first).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+05:30$/);
    expect(await first.textContent()).not.toBe(utc);
    await admin.reload();
    await expect(admin.getByTestId("audit-table").locator("time").first()).toHaveText(/UTC\+05:30$/);
    await admin.getByRole("group", { name: "Time zone" }).getByRole("button", { name: "UTC" }).click();
    await expect(admin.getByTestId("audit-table").locator("time").first()).toHaveText(/ UTC$/);
  });
});

test("finished jobs fold away under the queue on the maintenance page", async ({ admin }) => {
  const res = await admin.request.get("/api/servers/e2e/tables?db=shop&q=products&limit=1");
  const products = (await res.json()).rows[0];
  const queued = await admin.request.post("/api/servers/e2e/jobs/analyze?db=shop", {
    data: { command: "analyze", relids: [products.oid], lockTimeoutMs: 3000, options: {} },
    headers: { origin: process.env.E2E_BASE_URL! },
  });
  expect(queued.status(), await queued.text()).toBe(200);
  const id = (await queued.json()).jobs[0].id;
  await admin.goto("/servers/e2e/maintenance?db=shop");
  const row = admin.locator(`[data-testid=job-row][data-job="${id}"]`);
  await expect(row).toHaveAttribute("data-outcome", "ok", { timeout: 30_000 });
  // Done: in the history, which starts folded, so the running queue stays at the top of the page.
  await expect(admin.getByTestId("job-history")).not.toHaveAttribute("open");
  await expect(row).toBeHidden();
  await admin.getByText(/^History \(\d+ finished/).click();
  await expect(row).toBeVisible();
});

test.describe("signed out", () => {
  test.use({ javaScriptEnabled: false });

  test("the sign-in form works without JavaScript and never puts the password in a URL", async ({ page }) => {
    const urls: string[] = [];
    page.on("request", (r) => urls.push(r.url()));
    await page.goto("/login?next=%2Fservers%2Fe2e%2Fserver");
    await page.getByLabel("User name").fill("e2e-admin");
    await page.getByLabel("Password").fill(process.env.E2E_ADMIN_PASSWORD!);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/servers\/e2e\/server$/);
    expect(urls.filter((u) => u.includes(encodeURIComponent(process.env.E2E_ADMIN_PASSWORD!)) || u.includes(process.env.E2E_ADMIN_PASSWORD!))).toEqual([]);
  });
});

test("opened at another origin than the configured one, the sign-in page says which to use", async ({ page }) => {
  const configured = new URL(process.env.E2E_BASE_URL!);
  const other = `http://localhost:${configured.port}`;
  await page.goto(`${other}/login`);
  await expect(page.getByTestId("origin-notice")).toContainText(`This console is set up for ${configured.origin}`);
  await expect(page.getByTestId("origin-notice").getByRole("link")).toHaveAttribute("href", `${configured.origin}/login`);
  // And at the right origin there is no such notice.
  await page.goto("/login");
  await expect(page.getByTestId("login-form")).toBeVisible();
  await expect(page.getByTestId("origin-notice")).toHaveCount(0);
});

test("the scripts a storage page loads carry no zod locales (they were 250 kB of the first view)", async ({ admin }) => {
  const scripts: string[] = [];
  admin.on("response", (r) => {
    if (r.request().resourceType() === "script") scripts.push(r.url());
  });
  await admin.goto("/servers/e2e/tables");
  await expect(admin.getByTestId("table-row").first()).toBeVisible();
  expect(scripts.length).toBeGreaterThan(3);
  const bodies = await Promise.all(scripts.map((u) => admin.request.get(u).then((r) => r.text())));
  // zod's messages in German and Polish: present in every locale bundle, in no code of ours
  expect(bodies.filter((b) => /Ungültige Eingabe|Nieprawidłowe dane/.test(b))).toEqual([]);
  // zod itself is still there (the schemas parse responses in the browser)
  expect(bodies.some((b) => b.includes("Invalid input"))).toBe(true);
});
