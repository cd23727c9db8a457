import pg from "pg";
import { expect, test } from "./fixtures";

// Issue 12 items 3-5 and issue 14's pages in the browser: the fleet's cards, a server overview
// whose charts have points from the sampler, a health finding the test creates, and the
// replication page with an inactive slot behind a typed confirmation.

test.use({ viewport: { width: 1366, height: 768 } });

async function superuser<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: process.env.E2E_SUPERUSER_URL!, application_name: "e2e-monitoring-setup" });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

test("the fleet page shows a card per server with its status, and / leads there", async ({ admin }) => {
  await admin.goto("/");
  await expect(admin).toHaveURL(/\/fleet$/);
  const card = admin.locator(`[data-testid=fleet-card][data-server="e2e"]`);
  await expect(card).toBeVisible();
  await expect(card).toHaveAttribute("data-status", "up", { timeout: 45_000 });
  await expect(card).toContainText("connections");
  // The canary is unreachable: down (or not sampled yet), never up.
  await expect(admin.locator(`[data-testid=fleet-card][data-server="e2e-canary"]`)).not.toHaveAttribute("data-status", "up");
  await admin.getByLabel("Filter").fill("canary");
  await expect(admin.getByTestId("fleet-card")).toHaveCount(1);
  await expect(admin).toHaveURL(/q=canary/);
});

test("the server overview draws charts with points, with a unit on the axis, and switches range", async ({ admin }) => {
  await admin.goto("/servers/e2e/overview");
  const connections = admin.getByTestId("chart-connections");
  await expect(connections).toContainText("in connections");
  await expect
    .poll(async () => Number((await connections.locator("[data-points]").getAttribute("data-points").catch(() => "0")) ?? 0), { timeout: 60_000 })
    .toBeGreaterThan(0);
  await expect(connections.getByRole("application")).toBeVisible();
  // Units on both axes: the y axis names its unit, the x axis its time zone.
  await expect(connections.locator(".recharts-label").filter({ hasText: /^connections$/ })).toHaveCount(1);
  await expect(connections.locator(".recharts-label").filter({ hasText: /^time \((UTC|local)\)$/ })).toHaveCount(1);
  await admin.getByRole("button", { name: "6 h" }).click();
  await expect(admin).toHaveURL(/range=6h/);
  await expect(admin.getByRole("button", { name: "6 h" })).toHaveAttribute("aria-pressed", "true");
});

test("the health page lists an invalid index the test leaves behind, with its fix", async ({ admin }) => {
  await superuser(async (c) => {
    await c.query(`DROP TABLE IF EXISTS e2e_health_dup; CREATE TABLE e2e_health_dup (v int); INSERT INTO e2e_health_dup VALUES (1), (1)`);
    await c.query(`CREATE UNIQUE INDEX CONCURRENTLY e2e_health_dup_v ON e2e_health_dup (v)`).catch(() => {}); // fails, leaves it invalid
  });
  try {
    await admin.goto("/servers/e2e/health?db=shop");
    const f = admin.locator(`[data-testid=health-finding][data-check=invalid_index]`).filter({ hasText: "e2e_health_dup_v" });
    await expect(f).toBeVisible({ timeout: 30_000 });
    await expect(f).toContainText(`DROP INDEX CONCURRENTLY "public"."e2e_health_dup_v"`);
    await expect(f).toContainText("Why it matters");
    await expect(admin.locator(`[data-testid=health-check][data-status=failed]`)).toHaveCount(0);
  } finally {
    await superuser((c) => c.query(`DROP TABLE IF EXISTS e2e_health_dup`));
  }
});

test("the replication page lists an inactive slot retaining WAL; dropping it needs its name typed", async ({ admin }) => {
  const slot = "e2e_abandoned";
  await superuser((c) => c.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1`, [slot]));
  await superuser((c) => c.query(`SELECT pg_create_physical_replication_slot($1, true)`, [slot]));
  try {
    await admin.goto("/servers/e2e/replication");
    // The stack's streaming standby (replication.spec.ts) is connected; the abandoned slot is not.
    await expect(admin.getByTestId("standbys-table")).toContainText("e2e_standby");
    const row = admin.getByTestId("slots-table").locator("tr").filter({ hasText: slot });
    await expect(row).toContainText("inactive");
    await expect(admin.getByTestId("archiving")).toBeVisible();
    await row.getByRole("button", { name: "Drop…" }).click();
    const dialog = admin.getByTestId("drop-slot-dialog");
    const confirm = dialog.getByRole("button", { name: "Drop slot" });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel("Confirmation").fill(`drop ${slot}`);
    await expect(confirm).toBeEnabled();
    await confirm.click();
    // Dropped, or refused with the privilege that would allow it: never silence.
    await expect(dialog.getByTestId("drop-slot-result")).toBeVisible();
  } finally {
    await superuser((c) => c.query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1`, [slot]));
  }
});
