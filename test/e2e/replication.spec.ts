// The replication page of the demo's setup (issue 14): the e2e stack, like `npm run demo`, has a
// streaming standby of its server (lib/embedded/replica.ts attachStandby), registered as
// `e2e-standby`. Replay is paused on the standby so the lag the page shows is real, then resumed.
import pg from "pg";
import { expect, test } from "./fixtures";

async function run(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url, application_name: "e2e-replication" });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

const STANDBY_COLUMNS = ["application", "client", "state", "sync", "sent", "write lag", "flush lag", "replay lag", "slot"];

test("the primary lists its streaming standby with lag and slot; the standby shows its receiver and paused replay", async ({ admin }) => {
  const standbyUrl = process.env.E2E_STANDBY_URL!;
  expect(standbyUrl, "the e2e stack has a standby").toBeTruthy();

  await admin.goto("/servers/e2e/replication");
  await expect(admin.getByTestId("replication").getByText("primary", { exact: true })).toBeVisible();
  const table = admin.getByTestId("standbys-table");
  await expect(table.locator("thead th")).toHaveText(STANDBY_COLUMNS);
  const row = table.locator("tbody tr").filter({ hasText: "e2e_standby" });
  await expect(row).toHaveCount(1);
  const cells = row.locator("td");
  await expect(cells.nth(2)).toHaveText("streaming");
  await expect(cells.nth(8)).toHaveText("e2e_standby");
  // The application name links to the standby's own page (same system identifier).
  await expect(cells.nth(0).getByRole("link", { name: "e2e_standby" })).toHaveAttribute("href", "/servers/e2e-standby/replication");
  // The slot it streams from: active, holding little WAL.
  const slot = admin.getByTestId("slots-table").locator("tbody tr").filter({ hasText: "e2e_standby" });
  await expect(slot).toContainText("active");
  await expect(slot).not.toContainText("inactive");

  await run(standbyUrl, "SELECT pg_wal_replay_pause()");
  try {
    // About 4 MB of WAL the standby receives but does not replay.
    await run(process.env.E2E_SUPERUSER_URL!, "CREATE TABLE IF NOT EXISTS e2e_replication_lag (payload text); INSERT INTO e2e_replication_lag SELECT repeat(md5(g::text), 8) FROM generate_series(1, 16000) g");
    await expect(cells.nth(7)).toHaveText(/^\d+(\.\d)? MB/, { timeout: 30_000 });
    await expect(cells.nth(5)).toHaveText(/^\d+(\.\d)? (B|kB|KB|KiB)/); // written: the receiver keeps up

    await cells.nth(0).getByRole("link", { name: "e2e_standby" }).click();
    await expect(admin).toHaveURL(/\/servers\/e2e-standby\/replication$/);
    const side = admin.getByTestId("standby-side");
    await expect(side.getByTestId("receiver-status")).toContainText("streaming"); // pg_stat_wal_receiver.status
    await expect(side).toContainText("via slot e2e_standby");
    // The primary's slot is not copied into the standby (it would retain WAL there, unused).
    await expect(admin.getByTestId("slots-table")).toContainText("No replication slots.");
    await expect(side.getByTestId("replay-state")).toContainText(/^replay\s*paused$/, { timeout: 30_000 });
    await expect(admin.getByRole("link", { name: /^primary: e2e/ })).toHaveAttribute("href", "/servers/e2e/replication");
  } finally {
    await run(standbyUrl, "SELECT pg_wal_replay_resume()");
    await run(process.env.E2E_SUPERUSER_URL!, "DROP TABLE IF EXISTS e2e_replication_lag");
  }
  // Resumed: the standby's page says so.
  await expect(admin.getByTestId("replay-state")).toContainText(/^replay\s*not paused$/, { timeout: 30_000 });
});
