import fs from "node:fs";
import { startCluster } from "../../lib/embedded/cluster";
import { appSession, expect, test } from "./fixtures";

// The stopped server's polls answer 503: the browser logs each as a failed resource load.
test.use({ consoleErrorsAllowed: [/status of 503 .*\/api\/servers\/e2e-fault\//] });

test("a monitored server that goes down: stale data, unreachable since T, recovery by itself", async ({ admin }) => {
  const cluster = await startCluster({ major: 18, dataDir: process.env.E2E_FAULT_DIR!, port: Number(process.env.E2E_FAULT_PORT) });
  try {
    const url = cluster.url();
    const marker = await appSession("e2e-fault-marker", url);
    await admin.goto("/servers/e2e-fault/activity?application=e2e-fault-marker");
    const row = admin.getByTestId("session-row").filter({ hasText: "e2e-fault-marker" });
    await expect(row).toHaveCount(1);

    // The marker stays connected until the server stops: a poll after it left would show no row.
    await cluster.stop();
    await marker.end().catch(() => {});
    const banner = admin.getByTestId("stale-banner");
    await expect(banner).toContainText("unreachable", { timeout: 20_000 });
    await expect(banner).toContainText("Unreachable since");
    await expect(banner).toContainText("Stale since");
    await expect(row).toHaveCount(1); // the last good data stays on screen
    // ... but nothing is sent from it while the server does not answer.
    await expect(row.getByRole("button", { name: "Cancel" })).toBeDisabled();

    await cluster.restart();
    await expect(banner).toHaveCount(0, { timeout: 20_000 });
    await expect(admin.getByTestId("freshness")).toContainText("updated");

    const health = await admin.request.get("/api/health");
    expect(health.ok()).toBe(true);
    const log = fs.readFileSync(process.env.E2E_SERVER_LOG!, "utf8");
    expect(log).not.toMatch(/unhandled|uncaught/i);
  } finally {
    await cluster.destroy();
  }
});
