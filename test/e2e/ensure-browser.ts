// npm test's e2e step needs a Chromium: Debian's when installed, otherwise Playwright's own,
// downloaded here when the machine can reach Playwright's CDN.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { chromium } from "@playwright/test";
import { systemChromium } from "../helpers/chromium";

const system = systemChromium();
if (system) {
  console.log(`e2e: using ${system}`);
} else if (fs.existsSync(chromium.executablePath())) {
  console.log(`e2e: using Playwright's Chromium at ${chromium.executablePath()}`);
} else {
  console.log("e2e: no Chromium found; installing Playwright's (needs internet access) …");
  const r = spawnSync(process.execPath, ["node_modules/@playwright/test/cli.js", "install", "chromium"], { stdio: "inherit" });
  if (r.status !== 0) {
    console.error("e2e: could not install a browser. Install Chromium (Debian: apt-get install -y chromium) or set PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH.");
    process.exit(1);
  }
}
