import fs from "node:fs";

// One place for how the tests find and start Chromium (Playwright config, e2e setup check, bench).

/** Debian's Chromium (Playwright cannot download its own here), or undefined for Playwright's. */
export function systemChromium(): string | undefined {
  return [process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"].find(
    (p): p is string => !!p && fs.existsSync(p),
  );
}

/** Headless as root on a closed network: without these Chromium retries blocked connections. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
