import { test as base, expect, type Page } from "@playwright/test";
import pg from "pg";

/** Signs in through the real login route; the page then carries the session cookie. */
export async function signIn(page: Page, name = "e2e-admin", password = process.env.E2E_ADMIN_PASSWORD!) {
  const res = await page.request.post("/api/auth/login", {
    data: { name, password },
    headers: { origin: process.env.E2E_BASE_URL! },
  });
  expect(res.status(), await res.text()).toBe(200);
}

/** A database session of the demo's application role, named so the test can find it. */
export async function appSession(applicationName: string, url = process.env.E2E_APP_URL!): Promise<pg.Client & { pid: number }> {
  const c = new pg.Client({ connectionString: url, application_name: applicationName });
  c.on("error", () => {}); // the test terminates it on purpose
  await c.connect();
  const { rows } = await c.query("SELECT pg_backend_pid() AS pid");
  return Object.assign(c, { pid: rows[0].pid as number });
}

/** Ends a test session even while it is busy (pg_sleep would otherwise outlive the test). */
export async function endSession(s: pg.Client & { pid: number }) {
  const admin = new pg.Client({ connectionString: process.env.E2E_SUPERUSER_URL!, application_name: "e2e-cleanup" });
  await admin.connect();
  await admin.query("SELECT pg_terminate_backend($1)", [s.pid]);
  await admin.end();
  await s.end().catch(() => {});
}

export const settle = (p: Promise<unknown>) =>
  p.then(
    () => ({ error: undefined as (Error & { code?: string }) | undefined }),
    (error: Error & { code?: string }) => ({ error }),
  );

/** Waits until React has hydrated the page (app/providers.tsx marks <html>), so clicks are not lost. */
export async function hydrated(page: Page) {
  await page.locator("html[data-hydrated=true]").waitFor({ state: "attached" });
}

export const test = base.extend<{ admin: Page; consoleErrorsAllowed: RegExp[] }>({
  baseURL: async ({}, use) => use(process.env.E2E_BASE_URL),
  /** Console errors a test provokes on purpose (a server it stops answers 503): matched against "text (url)". */
  consoleErrorsAllowed: [[], { option: true }],
  // Every page of every spec: any browser console error (a hydration mismatch, a CSP refusal, a
  // failed request, an uncaught exception) fails the test that caused it.
  page: async ({ page, consoleErrorsAllowed, javaScriptEnabled }, use) => {
    const errors: string[] = [];
    const allowed = (text: string) => consoleErrorsAllowed.some((re) => re.test(text));
    page.on("console", (m) => {
      const line = `${m.text()} (${m.location().url})`;
      if (m.type() === "error" && !allowed(line)) errors.push(`console: ${line}`);
    });
    page.on("pageerror", (e) => !allowed(e.message) && errors.push(`page error: ${e.message}`));
    // Navigations wait for hydration: a control clicked before React attached its handler does nothing.
    if (javaScriptEnabled !== false) {
      const goto = page.goto.bind(page);
      page.goto = async (url, opts) => {
        const res = await goto(url, opts);
        if (res?.ok()) await hydrated(page);
        return res;
      };
      const reload = page.reload.bind(page);
      page.reload = async (opts) => {
        const res = await reload(opts);
        if (res?.ok()) await hydrated(page);
        return res;
      };
    }
    await use(page);
    expect(errors, "browser console errors").toEqual([]);
  },
  admin: async ({ page }, use) => {
    await signIn(page);
    await use(page);
  },
});

export { expect };
