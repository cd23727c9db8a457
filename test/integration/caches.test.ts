// Issue 9 item 6: one in-flight computation per key on the real snapshot path (counted by
// pg_stat_statements), background refreshes with their own statement_timeout, and a failed
// background refresh that never becomes an unhandled rejection while the old value is served;
// index findings refreshed in the background too (issue 11: 20 viewers waited on each minute's).
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { ALL_KEYS } from "@/lib/pg/cache-keys";
import { invalidateReads, invalidateSnapshots } from "@/lib/pg/cache";
import { indexesPage } from "@/lib/pg/indexes";
import { closeAllPools } from "@/lib/pg/pools";
import { backgroundRead, read } from "@/lib/pg/run";
import { SIZE_SNAPSHOT_TTL_MS } from "@/lib/pg/size-snapshot";
import { spacePage } from "@/lib/pg/space";
import { tablesPage } from "@/lib/pg/tables";
import { IndexesQuery, SpaceQuery, TablesQuery } from "@/lib/schemas/storage";
import { useServers } from "../helpers/app-env";
import { freshDatabase, pgServers } from "../helpers/pg";
import { withClient } from "../helpers/storage-fixtures";

// The size statement, as pg_stat_statements normalizes it (its CTE name is unique to it).
const SNAPSHOT_CALLS = `SELECT coalesce(sum(s.calls), 0)::int AS n FROM pg_stat_statements s
                        JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 AND s.query LIKE '%only_rel AS%'`;

function cold() {
  invalidateReads(ALL_KEYS);
  invalidateSnapshots(ALL_KEYS);
}

describe.each(pgServers())("caches on PG $major", (s) => {
  const server = `caches${s.major}`;
  const dbName = `caches_${s.major}`;
  let url: string;
  const calls = () => withClient(url, async (c) => (await c.query(SNAPSHOT_CALLS, [dbName])).rows[0].n as number);

  beforeAll(async () => {
    url = await freshDatabase(s.url, dbName);
    await withClient(url, async (c) => {
      await c.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      await c.query(`DO $$ BEGIN FOR i IN 1..50 LOOP EXECUTE format('CREATE TABLE c_%s (id int PRIMARY KEY, v text)', i); END LOOP; END $$`);
    });
  });
  afterEach(async () => {
    vi.useRealTimers();
    delete process.env.PGWARDEN_BACKGROUND_STATEMENT_TIMEOUT_MS;
    await closeAllPools();
  });
  afterAll(closeAllPools);

  test("12 concurrent cold requests on Tables, Indexes and Space run the size snapshot ONCE", async () => {
    await useServers([{ id: server, url: s.url }]);
    cold();
    const before = await calls();
    const q = { db: dbName };
    const pages = await Promise.all(
      Array.from({ length: 4 }, () => [
        tablesPage(server, TablesQuery.parse(q)),
        indexesPage(server, IndexesQuery.parse(q)),
        spacePage(server, SpaceQuery.parse(q)),
      ]).flat(),
    );
    expect(pages.map((p) => p.sizesAt)).toEqual(Array(12).fill(pages[0]!.sizesAt)); // one snapshot shared by all
    expect((await calls()) - before).toBe(1);
    // The Tables route's cold path (provisional: a page measured alone) starts the same single
    // flight instead of a snapshot of its own: 4 cold Tables polls beside Indexes and Space, one run.
    cold();
    const mixed = await Promise.all(
      Array.from({ length: 4 }, () => [
        tablesPage(server, TablesQuery.parse(q), { provisional: true }),
        indexesPage(server, IndexesQuery.parse(q)),
        spacePage(server, SpaceQuery.parse(q)),
      ]).flat(),
    );
    const provisional = mixed.filter((p) => "sizesPending" in p && p.sizesPending);
    const waited = mixed.filter((p) => !provisional.includes(p));
    expect(waited.length).toBeGreaterThanOrEqual(8); // Indexes and Space wait for the snapshot
    expect(waited.map((p) => p.sizesAt)).toEqual(Array(waited.length).fill(waited[0]!.sizesAt));
    // The same statement measures a provisional page (its 50 tables only), once for the 4 polls.
    expect((await calls()) - before).toBe(2 + (provisional.length > 0 ? 1 : 0));
    const afterMixed = await calls();
    cold();
    // and a control: after the cache is dropped, the next request does run it again
    await tablesPage(server, TablesQuery.parse(q));
    expect((await calls()) - afterMixed).toBe(1);
  });

  test("index findings past their minute are served while one refresh runs in the background", async () => {
    await useServers([{ id: server, url: s.url }]);
    await withClient(url, (c) => c.query("CREATE INDEX c_2_v ON c_2 (v)"));
    cold();
    const q = IndexesQuery.parse({ db: dbName });
    const unused = (p: Awaited<ReturnType<typeof indexesPage>>) => (p.findings?.findings ?? []).filter((f) => f.kind === "unused").map((f) => f.name);
    const first = await indexesPage(server, q);
    expect(unused(first)).toContain("c_2_v");
    await withClient(url, (c) => c.query("DROP INDEX c_2_v"));
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 61_000);
    invalidateReads(ALL_KEYS); // the per-poll reads only: the findings are a minute old, not gone
    // answered from the previous judgement at once (the dropped index still listed) ...
    expect(unused(await indexesPage(server, q))).toContain("c_2_v");
    // ... while it is judged again in the background; later polls have the new judgement
    await vi.waitFor(
      async () => {
        invalidateReads(ALL_KEYS);
        expect(unused(await indexesPage(server, q))).not.toContain("c_2_v");
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  test("background snapshots run with their own statement_timeout (PGWARDEN_BACKGROUND_STATEMENT_TIMEOUT_MS, 30 s by default)", async () => {
    await useServers([{ id: server, url: s.url }], { PGWARDEN_BACKGROUND_STATEMENT_TIMEOUT_MS: "31000" });
    const show = async (fn: typeof read) => (await fn({ server, database: dbName }, (db) => db.query("SHOW statement_timeout"))).rows[0].statement_timeout;
    expect(await show(backgroundRead)).toBe("31s");
    expect(await show(read)).toBe("5s");
    delete process.env.PGWARDEN_BACKGROUND_STATEMENT_TIMEOUT_MS;
    await useServers([{ id: server, url: s.url }]);
    expect(await show(backgroundRead)).toBe("30s");
  });

  test("a background refresh that fails (its statement_timeout) keeps serving the old snapshot and never rejects unhandled", async () => {
    await useServers([{ id: server, url: s.url }]);
    cold();
    const q = TablesQuery.parse({ db: dbName });
    const first = await tablesPage(server, q);
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown) => unhandled.push(r);
    process.on("unhandledRejection", onUnhandled);
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      await useServers([{ id: server, url: s.url }], { PGWARDEN_BACKGROUND_STATEMENT_TIMEOUT_MS: "1" });
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.now() + SIZE_SNAPSHOT_TTL_MS + 1_000);
      const before = await calls();
      invalidateReads(ALL_KEYS); // only the per-poll reads; the snapshot is stale, not gone
      const stale = await tablesPage(server, q); // the refresh starts in the background and fails
      expect(stale.sizesAt).toBe(first.sizesAt);
      await vi.waitFor(() => expect(logged.mock.calls.flat().join(" ")).toMatch(/background refresh of cluster:\d+\/caches_\d+\/size-snapshot failed: .*statement_timeout/), { timeout: 5_000 });
      expect(await calls()).toBe(before); // it did not complete
      await new Promise((r) => setTimeout(r, 200)); // let any unhandled rejection surface
      invalidateReads(ALL_KEYS);
      expect((await tablesPage(server, q)).sizesAt).toBe(first.sizesAt);
      expect(unhandled).toEqual([]);
    } finally {
      logged.mockRestore();
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
