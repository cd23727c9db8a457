import pg from "pg";
import { appSession, endSession, expect, test } from "./fixtures";

// Issue 12 item 6 in the browser: a VACUUM ANALYZE run from the tables page leaves dead rows that
// an idle-in-transaction session's snapshot still needs; the job names that session, and its
// "Terminate pid N…" button ends it through the guarded dialog.

async function client(name: string): Promise<pg.Client> {
  const c = new pg.Client({ connectionString: process.env.E2E_SUPERUSER_URL!, application_name: name });
  await c.connect();
  return c;
}

test("the vacuum advisor names the session holding the horizon after a VACUUM ANALYZE from the UI, and terminates it", async ({ admin }) => {
  const setup = await client("e2e-advisor-setup");
  let holder: Awaited<ReturnType<typeof appSession>> | undefined;
  try {
    await setup.query(`DROP TABLE IF EXISTS e2e_advisor`);
    await setup.query(`CREATE TABLE e2e_advisor (id int PRIMARY KEY) WITH (autovacuum_enabled = false)`);
    await setup.query(`INSERT INTO e2e_advisor SELECT generate_series(1, 2000)`);
    await setup.query(`GRANT SELECT ON e2e_advisor TO PUBLIC`);
    // An application's session (a superuser's may only be signalled by a superuser).
    holder = await appSession("e2e-advisor-holder");
    // The holder's snapshot predates the DELETE: VACUUM must keep every row it deletes.
    await holder.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    await holder.query("SELECT count(*) FROM e2e_advisor");
    const holderPid = holder.pid;
    await setup.query(`DELETE FROM e2e_advisor WHERE id <= 1000`);

    await admin.goto("/servers/e2e/tables?q=e2e_advisor");
    const row = admin.locator(`[data-testid=table-row][data-table="public.e2e_advisor"]`);
    await row.getByLabel("select public.e2e_advisor").check();
    await admin.getByTestId("job-actions").getByRole("button", { name: "VACUUM ANALYZE", exact: true }).click();
    const runDialog = admin.getByRole("dialog");
    await runDialog.getByRole("button", { name: "Run VACUUM ANALYZE" }).click();
    await expect(runDialog.getByTestId("job-queued")).toContainText("Queued job #");
    await runDialog.getByRole("button", { name: "Close" }).click();

    await admin.getByRole("link", { name: "Maintenance" }).click();
    const job = admin.getByTestId("job-row").filter({ hasText: "e2e_advisor" }).first();
    await expect(job).toHaveAttribute("data-state", "done", { timeout: 60_000 });
    // Finished jobs are listed under the History disclosure, closed by default.
    await admin.getByText(/^History \(\d+ finished/).click();
    const advice = job.getByTestId("vacuum-advice");
    await expect(advice).toBeVisible();
    await expect(advice).toContainText(/1,0\d\d dead rows not removable/);
    await expect(advice).toContainText(`held by pid ${holderPid} (idle in transaction`);

    await advice.getByRole("button", { name: `Terminate pid ${holderPid}…` }).click();
    const dialog = admin.getByRole("dialog");
    await expect(dialog.getByTestId("signal-preview")).toContainText(String(holderPid));
    await dialog.getByLabel("type terminate to confirm").fill("terminate");
    await dialog.getByRole("button", { name: "Terminate session" }).click();
    await expect(dialog.getByTestId("signal-outcome")).toContainText("terminated");
    await expect
      .poll(async () => (await setup.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1`, [holderPid])).rows[0].n, { timeout: 10_000 })
      .toBe(0);
  } finally {
    if (holder) await endSession(holder);
    await setup.query(`DROP TABLE IF EXISTS e2e_advisor`).catch(() => {});
    await setup.end();
  }
});
