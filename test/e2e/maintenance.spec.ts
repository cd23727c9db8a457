import pg from "pg";
import type { Page } from "@playwright/test";
import { appSession, endSession, expect, test } from "./fixtures";

// Maintenance from the tables page: select a table, run VACUUM ANALYZE, watch its progress, see
// the row's last vacuum / analyze change; VACUUM FULL shows its lock warning and who uses the
// table, needs the typed confirmation, and gives up fast (blocked by pid X) behind a reader.

async function superuser<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: process.env.E2E_SUPERUSER_URL!, application_name: "e2e-maint-setup" });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

test.describe("maintenance", () => {
  test.beforeAll(async () => {
    await superuser(async (c) => {
      await c.query(`DROP TABLE IF EXISTS e2e_maint_big, e2e_maint_small`);
      await c.query(`CREATE TABLE e2e_maint_big (id int PRIMARY KEY, payload text) WITH (autovacuum_enabled = false)`);
      await c.query(`INSERT INTO e2e_maint_big SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 60000) g`);
      await c.query(`DELETE FROM e2e_maint_big WHERE id % 2 = 0`);
      await c.query(`CREATE TABLE e2e_maint_small (id int PRIMARY KEY) WITH (autovacuum_enabled = false)`);
      await c.query(`INSERT INTO e2e_maint_small SELECT generate_series(1, 100)`);
      await c.query(`GRANT SELECT ON e2e_maint_small TO PUBLIC`);
      // Slow the console's VACUUMs down (cost-based delay) so the progress can be watched.
      await c.query(`ALTER ROLE pgwarden IN DATABASE shop SET vacuum_cost_delay = '2ms'`);
      await c.query(`ALTER ROLE pgwarden IN DATABASE shop SET vacuum_cost_limit = 1`);
    });
  });
  test.afterAll(async () => {
    await superuser((c) => c.query(`ALTER ROLE pgwarden IN DATABASE shop RESET ALL`));
  });

  test("select a table, run VACUUM ANALYZE, watch the progress, see last vacuum / analyze update", async ({ admin }) => {
    await admin.goto("/servers/e2e/tables?q=e2e_maint_big");
    const row = admin.locator(`[data-testid=table-row][data-table="public.e2e_maint_big"]`);
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId("last-vacuum")).toContainText("never");
    await expect(row.getByTestId("last-analyze")).toContainText("never");

    await row.getByLabel("select public.e2e_maint_big").check();
    await admin.getByTestId("job-actions").getByRole("button", { name: "VACUUM ANALYZE", exact: true }).click();
    const dialog = admin.getByRole("dialog");
    await expect(dialog.getByTestId("job-relations")).toContainText("public.e2e_maint_big");
    await dialog.getByRole("button", { name: "Run VACUUM ANALYZE" }).click();
    await expect(dialog.getByTestId("job-queued")).toContainText("Queued job #");
    await dialog.getByRole("button", { name: "Close" }).click();

    // Live progress in the jobs strip: a phase and blocks done of total, while it runs.
    const job = admin.getByTestId("jobs-strip").getByTestId("job-row").filter({ hasText: "e2e_maint_big" }).first();
    await expect(job).toHaveAttribute("data-state", "running");
    await expect(job.getByTestId("job-progress")).toContainText(/[\d,]+ \/ [\d,]+ blocks · \d+\.\d %/);
    await expect(job.getByTestId("job-phase")).toContainText(/heap|index|vacuum|analyz/);
    await expect(job).toHaveAttribute("data-outcome", "ok", { timeout: 60_000 });

    // The table's row shows the new manual vacuum and analyze without a reload.
    await expect(row.getByTestId("last-vacuum")).toContainText(/(just now|\d+ s ago) manual/);
    await expect(row.getByTestId("last-analyze")).toContainText(/(just now|\d+ s ago) manual/);

    // And the maintenance page lists it in the history.
    await admin.getByRole("link", { name: "Maintenance" }).click();
    await expect(admin.getByTestId("job-row").filter({ hasText: "e2e_maint_big" }).first()).toHaveAttribute("data-outcome", "ok");
  });

  test("VACUUM FULL warns about ACCESS EXCLUSIVE, shows the table's sessions, needs the typed confirmation, and gives up behind a reader", async ({ admin }) => {
    const reader = await appSession("e2e-maint-reader");
    try {
      await reader.query("BEGIN");
      await reader.query("SELECT count(*) FROM e2e_maint_small"); // ACCESS SHARE until the transaction ends
      await vacuumFullBehindReader(admin, reader.pid);
    } finally {
      await endSession(reader);
    }
  });
});

async function vacuumFullBehindReader(admin: Page, readerPid: number) {
  await admin.goto("/servers/e2e/tables?q=e2e_maint_small");
  const row = admin.locator(`[data-testid=table-row][data-table="public.e2e_maint_small"]`);
  await row.getByLabel("select public.e2e_maint_small").check();
  await admin.getByTestId("job-actions").getByRole("button", { name: "VACUUM FULL", exact: true }).click();
  const dialog = admin.getByRole("dialog");
  await expect(dialog.getByTestId("vacuum-full-warning")).toContainText("ACCESS EXCLUSIVE");
  const users = dialog.getByTestId("relation-users");
  await expect(users.locator(`tr[data-pid="${readerPid}"]`)).toContainText("AccessShareLock");
  await expect(users.locator(`tr[data-pid="${readerPid}"]`)).toContainText("idle in transaction");

  const run = dialog.getByRole("button", { name: "Run VACUUM FULL" });
  await expect(run).toBeDisabled();
  await dialog.getByLabel("type vacuum full to confirm").fill("vacuum ful");
  await expect(run).toBeDisabled();
  await dialog.getByLabel("type vacuum full to confirm").fill("vacuum full");
  await dialog.getByLabel("lock timeout (ms)").fill("500");
  await run.click();
  await expect(dialog.getByTestId("job-queued")).toBeVisible();
  await dialog.getByRole("button", { name: "Close" }).click();

  const job = admin.getByTestId("jobs-strip").getByTestId("job-row").filter({ hasText: "e2e_maint_small" }).first();
  await expect(job).toHaveAttribute("data-outcome", "blocked");
  await expect(job).toContainText(`Blocked by pid ${readerPid}`);
}
