import pg from "pg";
import { expect, test } from "./fixtures";

// Issue 9 item 5 in the browser: a table held under ACCESS EXCLUSIVE does not blank the Tables,
// Indexes or Space pages; its size is marked as an estimate with the locking pid.

test("a locked table: the storage pages stay up and mark its size as an estimate with the pid", async ({ admin }) => {
  const setup = new pg.Client({ connectionString: process.env.E2E_SUPERUSER_URL!, application_name: "e2e-locks-setup" });
  await setup.connect();
  await setup.query(`DROP TABLE IF EXISTS e2e_locked; CREATE TABLE e2e_locked AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 5000) g`);
  await setup.query(`CREATE INDEX e2e_locked_v ON e2e_locked (v); ANALYZE e2e_locked`);
  await setup.end();
  const holder = new pg.Client({ connectionString: process.env.E2E_SUPERUSER_URL!, application_name: "e2e-locks-holder" });
  holder.on("error", () => {});
  await holder.connect();
  try {
    await holder.query("BEGIN");
    await holder.query("LOCK TABLE e2e_locked IN ACCESS EXCLUSIVE MODE");
    const pid = (holder as pg.Client & { processID: number }).processID;

    await admin.goto("/servers/e2e/tables?q=e2e_locked");
    const row = admin.locator(`[data-testid=table-row][data-table="public.e2e_locked"]`);
    await expect(row.getByTestId("size-lock")).toContainText(`estimate — locked by pid ${pid}`);
    await expect(row.getByTestId("size-lock")).toHaveAttribute("title", /LOCK TABLE e2e_locked IN ACCESS EXCLUSIVE MODE/);

    await admin.goto("/servers/e2e/indexes?q=e2e_locked");
    await expect(admin.getByTestId("index-row").filter({ hasText: "e2e_locked_v" }).getByTestId("size-lock")).toContainText(`pid ${pid}`);

    await admin.goto("/servers/e2e/space?top=200");
    await expect(admin.getByText("public.e2e_locked")).toBeVisible();
    await expect(admin.getByTestId("size-lock").first()).toContainText(`pid ${pid}`);
  } finally {
    await holder.query("ROLLBACK").catch(() => {});
    await holder.end();
  }
});
