// The PgBouncer page of the demo's setup (issue 14): the e2e stack, like `npm run demo`, runs
// PgBouncer in transaction mode (pool of 5) in front of the shop database, registered as
// `e2e-pgbouncer` and named by the `e2e` entry. Clients made to wait show in SHOW POOLS, and the
// sampler's pool history is charted with units on both axes.
import pg from "pg";
import { expect, test } from "./fixtures";

/** 15 clients through PgBouncer, each holding a server connection for a second at a time. */
function queue(url: string) {
  let running = true;
  const clients = Array.from({ length: 15 }, () => new pg.Client({ connectionString: url, application_name: "e2e-queue" }));
  const loops = clients.map(async (c) => {
    c.on("error", () => {});
    await c.connect();
    // pg_sleep_for, not pg_sleep: a pg_sleep($1) statement of shop_app would join the queries spec's.
    while (running) await c.query("BEGIN; SELECT pg_sleep_for('1 second'); COMMIT").catch(() => {});
  });
  return {
    async stop() {
      running = false;
      await Promise.allSettled(loops);
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
    },
  };
}

test("the server links to its PgBouncer; waiting clients show in SHOW POOLS and in the pool history charts", async ({ admin }) => {
  await admin.goto("/servers/e2e/replication");
  await admin.getByRole("link", { name: "PgBouncer: e2e PgBouncer" }).click();
  await expect(admin).toHaveURL(/\/servers\/e2e-pgbouncer\/pgbouncer$/);

  const load = queue(process.env.E2E_BOUNCER_APP_URL!);
  try {
    const pool = admin.getByTestId("pools-table").locator("tbody tr").filter({ hasText: "shop_app" });
    await expect(pool).toContainText("transaction");
    // 15 clients on a pool of 5: about 10 queue (highlighted in the table).
    await expect.poll(async () => Number(await pool.getByTestId("pool-waiting").innerText()), { timeout: 30_000 }).toBeGreaterThanOrEqual(5);
    await expect(admin.getByTestId("ops-findings")).toContainText(/client\(s\) waiting for a server connection in pool shop\/shop_app/, { timeout: 30_000 });

    const history = admin.getByTestId("pool-history");
    const waiting = history.getByTestId("pool-chart-waiting");
    // The sampler stores a point per interval (15 s): the chart fills within a couple of them.
    await expect
      .poll(async () => Number((await waiting.locator("[data-points]").getAttribute("data-points").catch(() => "0")) ?? 0), { timeout: 60_000 })
      .toBeGreaterThan(0);
    await expect(waiting.locator(".recharts-label").filter({ hasText: /^clients$/ })).toHaveCount(1);
    await expect(waiting.locator(".recharts-label").filter({ hasText: /^time \((UTC|local)\)$/ })).toHaveCount(1);
    await expect(waiting.locator(".recharts-legend-item").filter({ hasText: "shop/shop_app" })).toHaveCount(1);
    const maxwait = history.getByTestId("pool-chart-maxwait");
    await expect(maxwait.locator(".recharts-label").filter({ hasText: /^seconds$/ })).toHaveCount(1);
    await history.getByRole("button", { name: "6 h" }).click();
    await expect(history.getByRole("button", { name: "6 h" })).toHaveAttribute("aria-pressed", "true");
    await expect(history).toContainText("One point per 1m");
  } finally {
    await load.stop();
  }
});
