import { RUNAWAY_QUERY } from "../../lib/demo/workload";
import { appSession, endSession, expect, settle, test } from "./fixtures";

// Activity on a laptop (1366×768 and 1440×900): the query is readable without scrolling sideways,
// the nav stays on one line, the blocking panel ignores the list's filters, and the session
// detail shows locks and timings and cancels.

const collapsed = RUNAWAY_QUERY.replace(/\s+/g, " ").trim();

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 1440, height: 900 },
]) {
  test.describe(`at ${viewport.width}×${viewport.height}`, () => {
    test.use({ viewport });

    test("the demo's runaway query is readable in full without horizontal scrolling; the nav does not wrap", async ({ admin }) => {
      const runaway = await appSession("e2e-laptop-runaway");
      const running = settle(runaway.query(RUNAWAY_QUERY));
      try {
        await admin.goto("/servers/e2e/activity?application=e2e-laptop-runaway");
        const query = admin.getByTestId("session-row").filter({ hasText: "pg_sleep(600)" }).getByTestId("session-query");
        await expect(query).toHaveText(collapsed);
        const fit = await query.evaluate((el) => {
          const box = el.getBoundingClientRect();
          const table = el.closest("[data-stale], div.overflow-auto") as HTMLElement;
          return {
            right: box.right,
            clipped: el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1,
            tableScrolls: table.scrollWidth > table.clientWidth,
            pageScrolls: document.documentElement.scrollWidth > window.innerWidth,
          };
        });
        expect(fit.right).toBeLessThanOrEqual(viewport.width);
        expect(fit).toMatchObject({ clipped: false, tableScrolls: false, pageScrolls: false });

        const links = admin.getByRole("navigation", { name: "Pages" }).getByRole("link");
        const tops = await links.evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
        expect(tops.length).toBeGreaterThanOrEqual(8);
        expect(new Set(tops).size).toBe(1);
      } finally {
        await endSession(runaway);
        await running;
      }
    });
  });
}

test.describe("activity at 1366×768", () => {
  test.use({ viewport: { width: 1366, height: 768 } });

  test("the blocking panel keeps the root and its terminate button under a filter that excludes it; a waiter's detail shows what it waits for", async ({ admin }) => {
    const root = await appSession("e2e-hidden-root");
    await root.query("BEGIN");
    await root.query("UPDATE inventory SET qty = qty WHERE product_id = 3");
    const waiter = await appSession("e2e-hidden-waiter");
    const waiting = settle(waiter.query("UPDATE inventory SET qty = qty + 1 WHERE product_id = 3"));
    try {
      // The list shows active sessions of another application only: neither the root (idle in transaction) nor its waiter.
      await admin.goto("/servers/e2e/activity?state=active&application=e2e-nobody");
      const tree = admin.locator(`[data-testid=blocking-tree][data-root="${root.pid}"]`);
      await expect(tree).toBeVisible();
      await expect(admin.getByTestId("session-row")).toHaveCount(0);
      await expect(tree.getByRole("button", { name: "Terminate root blocker" })).toBeEnabled();
      await expect(tree.locator(`[data-testid=tree-node][data-pid="${waiter.pid}"]`)).toContainText("shop_app@shop");

      await tree.locator(`[data-testid=tree-node][data-pid="${waiter.pid}"]`).getByRole("button", { name: /UPDATE inventory/ }).click();
      const detail = admin.getByTestId("session-detail");
      await expect(detail.getByTestId("locks-awaited")).toContainText("transaction");
      await expect(detail.getByTestId("locks-awaited")).toContainText(`held up by ${root.pid}`);
      await expect(detail.getByTestId("locks-held")).toContainText("public.inventory");
      await detail.getByRole("button", { name: "Close", exact: true }).click();
      await expect(detail).toHaveCount(0);

      await tree.getByRole("button", { name: "Terminate root blocker" }).click();
      const dialog = admin.getByRole("dialog");
      await expect(dialog.getByTestId("signal-preview")).toContainText(String(root.pid));
      await dialog.getByLabel("type terminate to confirm").fill("terminate");
      await dialog.getByRole("button", { name: "Terminate session" }).click();
      await expect(dialog.getByTestId("signal-outcome")).toContainText("terminated");
      expect((await waiting).error).toBeUndefined();
      await dialog.getByRole("button", { name: "Close", exact: true }).click();
      await expect(tree).toHaveCount(0);
    } finally {
      await Promise.all([waiter.end(), root.end().catch(() => {})]);
    }
  });

  test("the session detail shows timings and locks, and cancels the query", async ({ admin }) => {
    const runaway = await appSession("e2e-detail-runaway");
    const running = settle(runaway.query("SELECT count(*), pg_sleep(600) FROM products /* e2e detail */"));
    await admin.goto("/servers/e2e/activity?application=e2e-detail-runaway");
    await admin.getByTestId("session-row").getByTestId("session-query").click();
    const detail = admin.getByTestId("session-detail");
    await expect(detail).toContainText(`Session ${runaway.pid}`);
    await expect(detail).toContainText("query start");
    await expect(detail).toContainText(/UTC \(\d/); // "2026-… UTC (12.3 s ago)"
    await expect(detail.getByTestId("locks-held")).toContainText("public.products");
    await expect(detail.getByTestId("locks-held")).toContainText("AccessShareLock");

    await detail.getByRole("button", { name: "Cancel query" }).click();
    const dialog = admin.getByRole("dialog");
    await expect(dialog.getByTestId("signal-preview")).toContainText(String(runaway.pid));
    await dialog.getByRole("button", { name: "Cancel query" }).click();
    await expect(dialog.getByTestId("signal-outcome")).toContainText("cancelled");
    expect((await running).error?.code).toBe("57014");
    await dialog.getByRole("button", { name: "Close", exact: true }).click();
    await runaway.end();
  });
});
