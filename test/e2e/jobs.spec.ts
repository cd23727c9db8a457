import { expect, signIn, test } from "./fixtures";

// Jobs and poolers in the browser: behind a declared PgBouncer without a directUrl the job buttons
// are disabled with the reason and the fix, and the Server page says what the pooler means; exact
// bloat is queued from the bloat panel by an admin, and its figures are then shown to everyone.

test("behind a declared pooler without directUrl the job buttons are disabled with the reason and the fix", async ({ admin }) => {
  test.setTimeout(120_000); // four pages, on a shared machine
  await admin.goto("/servers/e2e-pooled/tables");
  const row = admin.getByTestId("table-row").first();
  await row.getByRole("checkbox").check();
  const bar = admin.getByTestId("job-actions");
  await expect(bar.getByRole("button", { name: "VACUUM", exact: true })).toBeDisabled();
  await expect(bar.getByRole("button", { name: "ANALYZE", exact: true })).toBeDisabled();
  const why = admin.getByTestId("jobs-disabled");
  await expect(why).toContainText("PgBouncer");
  await expect(why).toContainText('Fix: Add "directUrl": "postgres://…"');

  // The same server's reads work, and its Server page explains the pooler.
  await admin.goto("/servers/e2e-pooled/server");
  const facts = admin.getByTestId("pooler-facts");
  await expect(facts).toContainText("PgBouncer (declared in the servers file)");
  await expect(facts).toContainText("What it means: reads work through the pooler");
  await expect(facts.getByTestId("pooler-jobs")).toContainText("maintenance jobs disabled");
  await admin.goto("/servers/e2e/server");
  await expect(admin.getByTestId("pooler-facts")).toContainText("direct (no transaction pooler seen)");
  await expect(admin.getByTestId("pooler-jobs")).toContainText("maintenance jobs enabled");

  // Where jobs may run, the same buttons are enabled.
  await admin.goto("/servers/e2e/tables");
  await admin.getByTestId("table-row").first().getByRole("checkbox").check();
  await expect(admin.getByTestId("job-actions").getByRole("button", { name: "VACUUM", exact: true })).toBeEnabled();
  await expect(admin.getByTestId("jobs-disabled")).toHaveCount(0);
});

test("exact bloat: an admin queues the pgstattuple read from the bloat panel and sees its figures; a viewer sees them without the button", async ({ admin, browser }) => {
  test.setTimeout(120_000); // two signed-in browsers and a job, on a shared machine
  await admin.goto("/servers/e2e/tables");
  const row = admin.getByTestId("bloat-row").first();
  const relation = await row.getAttribute("data-relation");
  expect(relation).toBeTruthy();
  const exact = row.getByTestId("exact-bloat");
  const button = exact.getByRole("button", { name: /exact \(reads it all\)|read again/ });
  await button.click();
  await expect(exact).toContainText(/exact: .+\(\d+(\.\d+)? %\)/, { timeout: 30_000 });
  await expect(exact.getByRole("button", { name: "read again" })).toBeVisible();

  const context = await browser.newContext({ baseURL: process.env.E2E_BASE_URL });
  try {
    const viewer = await context.newPage();
    await signIn(viewer, "e2e-viewer", process.env.E2E_VIEWER_PASSWORD!);
    await viewer.goto("/servers/e2e/tables");
    const same = viewer.locator(`[data-testid=bloat-row][data-relation="${relation}"]`).getByTestId("exact-bloat");
    await expect(same).toContainText("exact:", { timeout: 30_000 });
    await expect(same.getByRole("button")).toHaveCount(0);
  } finally {
    await context.close();
  }
});
