import pg from "pg";
import { expect, test } from "./fixtures";

// Issue 11: the pages and the API share one cache per process. `next start` loads server modules
// once per bundle, so before lib/process-wide.ts the Tables page kept size snapshots of its own:
// after the API had measured a database, the page's first render still answered "measuring…"
// with a page measured alone (and measured the whole database a second time).

const DB = "e2e_first_view";

test("after the API has measured a database, the Tables and Indexes pages come with its sizes in their HTML", async ({ admin }) => {
  const su = new pg.Client({ connectionString: process.env.E2E_SUPERUSER_URL!, application_name: "e2e-first-view" });
  await su.connect();
  await su.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await su.query(`CREATE DATABASE ${DB}`);
  await su.end();
  const db = new pg.Client({ connectionString: process.env.E2E_SUPERUSER_URL!.replace(/\/[^/?]+(\?|$)/, `/${DB}$1`) });
  await db.connect();
  await db.query(`CREATE TABLE fv_big AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 20000) g`);
  await db.query(`CREATE INDEX fv_big_v ON fv_big (v); CREATE TABLE fv_small (id int PRIMARY KEY); ANALYZE`);
  await db.end();

  // The API measures the database (its first answer may be a page measured alone).
  await expect
    .poll(async () => (await (await admin.request.get(`/api/servers/e2e/tables?db=${DB}`)).json()).sizesPending ?? false, { timeout: 30_000 })
    .toBe(false);
  for (const [page, row] of [["tables", "table-row"], ["indexes", "index-row"]]) {
    const html = await (await admin.request.get(`/servers/e2e/${page}?db=${DB}`)).text();
    expect(html).toContain(`data-testid="${row}"`);
    expect(html).not.toContain('data-testid="sizes-pending"');
  }
  await admin.goto(`/servers/e2e/tables?db=${DB}`);
  await expect(admin.getByTestId("table-row").first()).toHaveAttribute("data-table", "public.fv_big");
  await expect(admin.getByTestId("sizes-pending")).toHaveCount(0);
});
