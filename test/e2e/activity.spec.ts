import { appSession, expect, settle, test } from "./fixtures";

test.describe("activity", () => {
  test("find a runaway query, cancel it through the dialog, see it gone", async ({ admin }) => {
    const runaway = await appSession("e2e-runaway");
    const running = settle(runaway.query("SELECT pg_sleep(600) /* e2e runaway */"));
    await admin.goto("/servers/e2e/activity?application=e2e-runaway&state=active");
    const row = admin.getByTestId("session-row").filter({ hasText: "e2e-runaway" });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(String(runaway.pid));
    await expect(row).toContainText("pg_sleep(600)");

    await row.getByRole("button", { name: "Cancel" }).click();
    const dialog = admin.getByRole("dialog");
    await expect(dialog.getByTestId("signal-preview")).toContainText(String(runaway.pid));
    await expect(dialog.getByTestId("signal-preview")).toContainText("shop_app");
    await dialog.getByRole("button", { name: "Cancel query" }).click();
    await expect(dialog.getByTestId("signal-outcome")).toContainText("cancelled");
    expect((await running).error?.code).toBe("57014");
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(row).toHaveCount(0);
    await runaway.end();
  });

  test("terminate a root blocker from the tree and see its waiters proceed", async ({ admin }) => {
    const root = await appSession("e2e-root");
    await root.query("BEGIN");
    await root.query("UPDATE inventory SET qty = qty WHERE product_id = 2");
    const w1 = await appSession("e2e-w1");
    await w1.query("BEGIN");
    await w1.query("UPDATE products SET title = title WHERE id = 2");
    const w1wait = settle(w1.query("UPDATE inventory SET qty = qty + 1 WHERE product_id = 2"));
    const w2 = await appSession("e2e-w2");
    const w2wait = settle(w2.query("UPDATE products SET title = title WHERE id = 2"));

    await admin.goto("/servers/e2e/activity");
    const tree = admin.locator(`[data-testid=blocking-tree][data-root="${root.pid}"]`);
    await expect(tree).toBeVisible();
    await expect(tree.locator(`[data-testid=tree-node][data-pid="${w1.pid}"] [data-testid=tree-node][data-pid="${w2.pid}"]`)).toBeVisible();

    await tree.getByRole("button", { name: "Terminate root blocker" }).click();
    const dialog = admin.getByRole("dialog");
    await expect(dialog.getByTestId("signal-preview")).toContainText(String(root.pid));
    const confirm = dialog.getByRole("button", { name: "Terminate session" });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel("type terminate to confirm").fill("terminate");
    await confirm.click();
    await expect(dialog.getByTestId("signal-outcome")).toContainText("terminated");

    expect((await w1wait).error).toBeUndefined();
    await w1.query("COMMIT");
    expect((await w2wait).error).toBeUndefined();
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(tree).toHaveCount(0);
    await Promise.all([w1.end(), w2.end(), root.end().catch(() => {})]);
  });

  test("filters live in the URL and survive a reload", async ({ admin }) => {
    await admin.goto("/servers/e2e/activity");
    // The page is server-rendered: a choice made before hydration is reset by React, so repeat it
    // until the page has taken it (seen on a loaded machine).
    await expect(async () => {
      await admin.getByLabel("state", { exact: true }).selectOption("active");
      await expect(admin).toHaveURL(/state=active/, { timeout: 2_000 });
    }).toPass({ timeout: 30_000 });
    await admin.getByLabel("user", { exact: true }).fill("shop_app");
    await admin.getByLabel("user", { exact: true }).press("Enter");
    await expect(admin).toHaveURL(/state=active/);
    await expect(admin).toHaveURL(/user=shop_app/);
    await admin.reload();
    await expect(admin.getByLabel("state", { exact: true })).toHaveValue("active");
    await expect(admin.getByLabel("user", { exact: true })).toHaveValue("shop_app");
  });
});
