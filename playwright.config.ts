import { defineConfig } from "@playwright/test";
import { CHROMIUM_ARGS, systemChromium } from "./test/helpers/chromium";

// Debian's Chromium when present (this machine has no internet for Playwright's own download);
// Playwright's managed browser elsewhere (test/e2e/ensure-browser.ts installs it where it can).

export default defineConfig({
  testDir: "test/e2e",
  testMatch: "**/*.spec.ts",
  globalSetup: "./test/e2e/global-setup.ts",
  // One console and one database for the whole run; tests create their own sessions.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  retries: 0,
  reporter: [["list"]],
  // Parallel runs on one checkout (one per build dir) must not share their artifacts folder.
  outputDir: `test-results/${process.env.PGWARDEN_DIST_DIR || "default"}`,
  use: {
    browserName: "chromium",
    headless: true,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: systemChromium(),
      args: CHROMIUM_ARGS,
    },
  },
});
