import { expect, test } from "./fixtures";

test("the demo database's history tables of two tools show as two timelines, the failed one loudly", async ({ admin }) => {
  await admin.goto("/servers/e2e/migrations");
  const tools = admin.getByTestId("migration-tool");
  await expect(tools).toHaveCount(2);
  const flyway = tools.filter({ hasText: "Flyway" });
  const prisma = tools.filter({ hasText: "Prisma" });
  await expect(flyway).toContainText("add orders");
  await expect(flyway).toContainText("V3__index_orders_concurrently.sql");
  await expect(prisma).toContainText("20240201000000_add_invoices");
  await expect(admin.getByTestId("migration-problems")).toContainText("V3__index_orders_concurrently.sql");
});

test("pasting two dangerous statements shows each finding with its recipe", async ({ admin }) => {
  await admin.goto("/servers/e2e/migrations/lint?db=shop");
  await admin.getByLabel("Migration SQL").fill("CREATE INDEX i ON orders(status);\nALTER TABLE orders ADD COLUMN c int NOT NULL;");
  await admin.getByRole("button", { name: "Lint", exact: true }).click();
  const result = admin.getByTestId("lint-result");
  const concurrent = result.locator('[data-testid=finding][data-rule="index-not-concurrent"]');
  await expect(concurrent).toHaveCount(1);
  await expect(concurrent.getByTestId("recipe")).toContainText("CREATE INDEX CONCURRENTLY");
  const required = result.locator('[data-testid=finding][data-rule="add-column-required"]');
  await expect(required).toHaveCount(1);
  await expect(result.getByTestId("statement-group").filter({ has: admin.locator('[data-rule="add-column-required"]') })).toContainText("line 2");
  // Blast radius of the live table the statements touch.
  await expect(result.getByTestId("blast-radius")).toContainText("orders");
});

test("the lint page shows what the catalog knew, inline ignores with their reason, DO blocks, and findings before a syntax error", async ({ admin }) => {
  await admin.goto("/servers/e2e/migrations/lint?db=shop");
  const sql = [
    "SET lock_timeout = '2s';",
    "CREATE INDEX orders_status_idx ON orders (status);",
    // orders.status is NOT NULL already in shop: the catalog says so, so no scan is reported.
    "ALTER TABLE orders ALTER COLUMN status SET NOT NULL;",
    "-- pgwarden-lint-ignore drop-column: nothing reads inventory_audit.note since release 41",
    "ALTER TABLE inventory_audit DROP COLUMN IF EXISTS note;",
    "DO $$ BEGIN EXECUTE 'ANALYZE orders'; END $$;",
    "ALTER TABLE orders ADD COLUMN;",
  ].join("\n");
  await admin.getByLabel("Migration SQL").fill(sql);
  await admin.getByRole("button", { name: "Lint", exact: true }).click();
  const result = admin.getByTestId("lint-result");
  await expect(result.getByTestId("parse-error")).toContainText("line 7");
  // The statements before the syntax error were still checked.
  await expect(result.locator('[data-testid=finding][data-rule="index-not-concurrent"]')).toHaveCount(1);
  await expect(result.getByTestId("catalog-facts")).toContainText("orders");
  await expect(result.locator('[data-testid=finding][data-rule="set-not-null"]')).toHaveCount(0);
  await expect(result.getByTestId("ignored-findings")).toContainText("nothing reads inventory_audit.note since release 41");
  await expect(result.locator('[data-testid=finding][data-rule="drop-column"]')).toHaveCount(0);
  await expect(result.locator('[data-testid=finding][data-rule="dynamic-sql"]')).toContainText("DO block not analyzed: dynamic SQL");
});
