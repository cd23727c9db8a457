import { REPORT_QUERY } from "../../lib/demo/workload";
import { appSession, expect, test } from "./fixtures";

// Queries (issue 13): the demo's report, run to completion by the application role, appears on
// the Queries page from the sampler's pg_stat_statements snapshots (every 2 s in this stack); its
// page charts its history, and an admin's EXPLAIN (a generic plan on 18) shows the plan tree.

test("the demo's runaway report appears on the queries page, its history chart has points, and EXPLAIN shows a plan tree", async ({ admin }) => {
  const app = await appSession("e2e-queries-report");
  try {
    await app.query(REPORT_QUERY);
  } finally {
    await app.end();
  }
  const link = admin.getByTestId("statement-link").filter({ hasText: "pg_sleep($1)" }).first();
  await expect(async () => {
    await admin.goto("/servers/e2e/queries?window=15m&db=shop");
    await expect(link).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  const row = admin.getByRole("row").filter({ has: link });
  await expect(row).toContainText("shop_app");

  await link.click();
  await expect(admin).toHaveURL(/\/servers\/e2e\/queries\/-?\d+/);
  await expect(admin.getByTestId("statement-totals")).toContainText("calls");
  // Points on the calls chart (dots are drawn for short series).
  await expect(admin.getByTestId("chart-calls").locator(".recharts-line-dots circle").first()).toBeVisible({ timeout: 20_000 });
  await expect(admin.getByTestId("statement-tables")).toContainText("orders");

  await admin.getByTestId("explain-run").click();
  const tree = admin.getByTestId("plan-tree");
  await expect(tree).toBeVisible({ timeout: 20_000 });
  expect(await admin.getByTestId("plan-node").count()).toBeGreaterThanOrEqual(2);
  await expect(tree).toContainText("orders");
  await expect(admin.getByTestId("plan-text")).toContainText("Seq Scan", { useInnerText: false });
});

test("a viewer sees the queries page but no EXPLAIN", async ({ page }) => {
  const { signIn } = await import("./fixtures");
  await signIn(page, "e2e-viewer", process.env.E2E_VIEWER_PASSWORD!);
  await page.goto("/servers/e2e/queries?window=24h");
  await expect(page.getByRole("heading", { name: "Queries" })).toBeVisible();
  const first = page.getByTestId("statement-link").first();
  await expect(async () => {
    await page.reload();
    await expect(first).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  await first.click();
  await expect(page.getByText("EXPLAIN is available to admins")).toBeVisible();
  await expect(page.getByTestId("explain-run")).toHaveCount(0);
});
