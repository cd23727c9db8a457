// Issue 11: storage pages at many tables. Through the functions the routes call (with the real
// caches): the biggest unused index comes first whatever its catalog position, the Tables total
// is the number of tables (taken from the snapshot, read for the page's rows only), a table
// created after the snapshot shows with its size, the Indexes page is chosen from the snapshot too, two server entries for one cluster share one
// snapshot, and the database list costs no pg_database_size().
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from "vitest";
import { ALL_KEYS } from "@/lib/pg/cache-keys";
import { invalidateReads, invalidateSnapshots } from "@/lib/pg/cache";
import { serverDatabases } from "@/lib/pg/databases";
import { indexesPage } from "@/lib/pg/indexes";
import { closeAllPools } from "@/lib/pg/pools";
import { SIZE_CENSUS_MS, SIZE_SNAPSHOT_TTL_MS } from "@/lib/pg/size-snapshot";
import { spacePage } from "@/lib/pg/space";
import { tablesPage } from "@/lib/pg/tables";
import { IndexesQuery, IndexesResponse, SpaceQuery, TablesQuery } from "@/lib/schemas/storage";
import { useServers } from "../helpers/app-env";
import { freshDatabase, pgServers } from "../helpers/pg";
import { withClient } from "../helpers/storage-fixtures";

const TABLES = 120;

// Executions of the size statement (its CTE name is unique to it), as pg_stat_statements counts them.
const SNAPSHOT_CALLS = `SELECT coalesce(sum(s.calls), 0)::int AS n FROM pg_stat_statements s
                        JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 AND s.query LIKE '%only_rel AS%'`;

// The census's catalog comparison (count and OID sum of every user relation).
const CENSUS_CALLS = `SELECT coalesce(sum(s.calls), 0)::int AS n FROM pg_stat_statements s
                      JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 AND s.query LIKE '%sum(c.oid::int8)%'`;

function cold() {
  invalidateReads(ALL_KEYS);
  invalidateSnapshots(ALL_KEYS);
}

describe.each(pgServers())("storage at scale on PG $major", (s) => {
  const server = `scale${s.major}`;
  const dbName = `storage_scale_${s.major}`;
  let url: string;

  beforeAll(async () => {
    url = await freshDatabase(s.url, dbName);
    await withClient(url, async (c) => {
      await c.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      // Many small never-scanned indexes first: the big one gets the highest OID, last in catalog order.
      await c.query(`DO $$ BEGIN FOR i IN 1..${TABLES} LOOP
                       EXECUTE format('CREATE TABLE s_%s (id int PRIMARY KEY, n int)', i);
                       EXECUTE format('CREATE INDEX s_%s_n ON s_%s (n)', i, i);
                     END LOOP; END $$`);
      await c.query(`INSERT INTO s_7 SELECT g, g FROM generate_series(1, 20000) g`);
      await c.query(`CREATE INDEX s_7_big ON s_7 (n, id)`);
    });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await closeAllPools();
  });
  afterAll(closeAllPools);
  const count = (sql: string) => withClient(url, async (c) => (await c.query(sql, [dbName])).rows[0].n as number);

  test("the biggest unused index is first among unused findings, with the counts and one page", async () => {
    await useServers([{ id: server, url: s.url }]);
    cold();
    const res = await indexesPage(server, IndexesQuery.parse({ db: dbName }));
    IndexesResponse.parse(res);
    const unused = res.findings.findings.filter((f) => f.kind === "unused");
    expect(unused[0]?.name).toBe("s_7_big");
    expect(unused[0]?.definition).toBe("CREATE INDEX s_7_big ON public.s_7 USING btree (n, id)");
    expect(unused.map((f) => f.sizeBytes)).toEqual(unused.map((f) => f.sizeBytes).sort((a, b) => b - a));
    expect(res.findings.counts.unused).toBe(TABLES + 1); // every s_<i>_n, and s_7_big (primary keys are not findings)
    expect(unused).toHaveLength(20);
    // the next page of unused starts after the first, and a minimum size leaves only the big one
    const next = await indexesPage(server, IndexesQuery.parse({ db: dbName, unusedOffset: "20" }));
    expect(next.findings.findings.filter((f) => f.kind === "unused")[0]?.sizeBytes).toBeLessThanOrEqual(unused[19]!.sizeBytes);
    const min = unused[0]!.sizeBytes;
    const big = await indexesPage(server, IndexesQuery.parse({ db: dbName, minFindingBytes: String(min) }));
    expect(big.findings.counts.unused).toBe(unused.filter((f) => f.sizeBytes >= min).length); // s_7_big (and s_7_n if as big)
    expect(big.findings.counts.unused).toBeLessThan(3);
    expect(big.findings.findings.filter((f) => f.kind === "unused").every((f) => f.sizeBytes >= min)).toBe(true);
    expect(big.findings.totals.unused).toBe(TABLES + 1);
    expect(res.findings.lastUsedAvailable).toBe(s.major >= 16);
  });

  test("the Tables total equals the number of tables, on every page and under a filter", async () => {
    await useServers([{ id: server, url: s.url }]);
    cold();
    const count = await withClient(url, async (c) => (await c.query(`SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace`)).rows[0].n);
    const first = await tablesPage(server, TablesQuery.parse({ db: dbName }));
    expect(first.total).toBe(count);
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0]!.name).toBe("s_7"); // the biggest
    const last = await tablesPage(server, TablesQuery.parse({ db: dbName, sort: "name", dir: "asc", offset: "100" }));
    expect(last.total).toBe(count);
    expect(last.rows).toHaveLength(count - 100);
    expect(last.rows.map((r) => r.name)).toEqual(last.rows.map((r) => r.name).sort());
    const filtered = await tablesPage(server, TablesQuery.parse({ db: dbName, q: "S_1" }));
    expect(filtered.total).toBe(1 + 10 + 21); // s_1, s_10…s_19, s_100…s_120 (case-insensitive)
    expect(filtered.rows.every((r) => r.name.includes("s_1"))).toBe(true);
  });

  test("the Indexes page is chosen from the snapshot: total = every index, biggest first, one created since shows with its size", async () => {
    await useServers([{ id: server, url: s.url }]);
    cold();
    const indexCount = `SELECT count(*)::int AS n FROM pg_stat_user_indexes`;
    const count = await withClient(url, async (c) => (await c.query(indexCount)).rows[0].n);
    const first = await indexesPage(server, IndexesQuery.parse({ db: dbName }));
    expect(first.total).toBe(count);
    expect(first.rows).toHaveLength(50);
    // s_7's three indexes (20,000 rows each) are the biggest
    const s7 = ["s_7_big", "s_7_n", "s_7_pkey"];
    expect(first.rows.slice(0, 3).map((r) => r.name).sort()).toEqual(s7);
    expect(first.rows.map((r) => r.sizeBytes)).toEqual(first.rows.map((r) => r.sizeBytes).sort((a, b) => b - a));
    const last = await indexesPage(server, IndexesQuery.parse({ db: dbName, dir: "asc", schema: "public", offset: String(count - 10) }));
    expect(last.total).toBe(count);
    expect(last.rows.slice(-3).map((r) => r.name).sort()).toEqual(s7);
    await withClient(url, (c) => c.query(`CREATE INDEX late_index ON s_7 (id, n)`));
    const exact = await withClient(url, async (c) => Number((await c.query(`SELECT pg_relation_size('late_index')::int8 AS b`)).rows[0].b));
    invalidateReads(ALL_KEYS); // the next poll (the snapshot itself stays cached)
    const after = await indexesPage(server, IndexesQuery.parse({ db: dbName }));
    expect(after.sizesAt).toBe(first.sizesAt);
    expect(after.total).toBe(count + 1);
    const late = after.rows.find((r) => r.name === "late_index");
    expect(late?.sizeBytes).toBe(exact);
    expect(late?.definition).toBe("CREATE INDEX late_index ON public.s_7 USING btree (id, n)");
    // by name (not held by the snapshot) the SQL chooses the page, with the same total
    const byName = await indexesPage(server, IndexesQuery.parse({ db: dbName, q: "late_" }));
    expect(byName.rows.map((r) => [r.name, r.sizeBytes])).toEqual([["late_index", exact]]);
    await withClient(url, (c) => c.query(`DROP INDEX late_index`));
  });

  test("a table created after the snapshot appears with its size", async () => {
    await useServers([{ id: server, url: s.url }]);
    cold();
    const before = await tablesPage(server, TablesQuery.parse({ db: dbName }));
    const censuses = await count(CENSUS_CALLS);
    await withClient(url, (c) => c.query(`CREATE TABLE late_comer AS SELECT g AS id, repeat('x', 200) AS v FROM generate_series(1, 5000) g`));
    const exact = await withClient(url, async (c) => Number((await c.query(`SELECT pg_total_relation_size('late_comer')::int8 AS b`)).rows[0].b));
    invalidateReads(ALL_KEYS); // the next poll (the snapshot itself stays cached)
    const after = await tablesPage(server, TablesQuery.parse({ db: dbName, q: "late_comer" }));
    expect(after.sizesAt).toBe(before.sizesAt);
    expect(after.rows.map((r) => [r.name, r.totalBytes])).toEqual([["late_comer", exact]]);
    expect(exact).toBeGreaterThan(8192);
    const all = await tablesPage(server, TablesQuery.parse({ db: dbName }));
    expect(all.total).toBe(before.total + 1);
    // found by its OID (newer than the snapshot's), not by comparing the whole catalog
    expect(await count(CENSUS_CALLS)).toBe(censuses);
    await withClient(url, (c) => c.query(`DROP TABLE late_comer`));
  });

  test("the snapshot is not measured again while fresh; the census runs once per round and lets go of dropped tables", async () => {
    await useServers([{ id: server, url: s.url }]);
    cold();
    await withClient(url, (c) => c.query(`CREATE TABLE short_lived (id int)`));
    const q = TablesQuery.parse({ db: dbName });
    const snapshots = await count(SNAPSHOT_CALLS);
    const first = await tablesPage(server, q);
    expect(await count(SNAPSHOT_CALLS)).toBe(snapshots + 1);
    const censuses = await count(CENSUS_CALLS);
    await withClient(url, (c) => c.query(`DROP TABLE short_lived`));
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = first.sizesAt; // lifetimes and census rounds count from the snapshot's time
    // polls for most of the snapshot's lifetime: no new measurement, one census per round
    for (const at of [10_000, SIZE_CENSUS_MS - 1_000, SIZE_CENSUS_MS + 1_000, SIZE_CENSUS_MS + 5_000, SIZE_SNAPSHOT_TTL_MS - 1_000]) {
      vi.setSystemTime(t0 + at); // seconds apart: every poll read has expired
      const page = await tablesPage(server, q);
      expect(page.sizesAt).toBe(first.sizesAt);
      // the dropped table counted until the first census, not after
      expect(page.total).toBe(at < SIZE_CENSUS_MS ? first.total : first.total - 1);
    }
    expect(await count(SNAPSHOT_CALLS)).toBe(snapshots + 1);
    // polled in two rounds after the first (1 and the last before the lifetime ends): two censuses
    const rounds = new Set([SIZE_CENSUS_MS + 1_000, SIZE_CENSUS_MS + 5_000, SIZE_SNAPSHOT_TTL_MS - 1_000].map((at) => Math.floor(at / SIZE_CENSUS_MS)));
    expect(rounds.size).toBe(2);
    expect(await count(CENSUS_CALLS)).toBe(censuses + rounds.size);
    // past its lifetime: served as it is while it is measured again in the background
    vi.setSystemTime(t0 + SIZE_SNAPSHOT_TTL_MS + 1_000);
    invalidateReads(ALL_KEYS);
    expect((await tablesPage(server, q)).sizesAt).toBe(first.sizesAt);
    await vi.waitFor(() => count(SNAPSHOT_CALLS).then((n) => expect(n).toBe(snapshots + 2)), { timeout: 10_000 });
  });

  test("the first view never waits for the whole database: its page is measured alone, the snapshot follows", async () => {
    await useServers([{ id: server, url: s.url }]);
    cold();
    const exact = await withClient(url, async (c) => Number((await c.query(`SELECT pg_total_relation_size('s_7')::int8 AS b`)).rows[0].b));
    const tables = await count(`SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND $1::text IS NOT NULL`);
    const first = await tablesPage(server, TablesQuery.parse({ db: dbName }), { provisional: true });
    expect(first.sizesPending).toBe(true);
    expect(first.total).toBe(tables);
    expect(first.rows).toHaveLength(50);
    expect(first.rows[0]!.name).toBe("s_7"); // most pages in the catalog, and measured
    expect(first.rows[0]!.totalBytes).toBe(exact);
    const byName = await tablesPage(server, TablesQuery.parse({ db: dbName, sort: "name", dir: "asc", offset: "10" }), { provisional: true });
    const names = await withClient(url, async (c) =>
      (await c.query(`SELECT relname FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY relname COLLATE "C" LIMIT 50 OFFSET 10`)).rows.map((r) => r.relname),
    );
    expect(byName.rows.map((r) => r.name)).toEqual(names);
    // the whole database was started meanwhile: the full answer comes without a first-view read
    await vi.waitFor(async () => expect((await tablesPage(server, TablesQuery.parse({ db: dbName }), { provisional: true })).sizesPending).toBeUndefined(), { timeout: 10_000 });
    const full = await tablesPage(server, TablesQuery.parse({ db: dbName }));
    expect(full.sizesPending).toBeUndefined();
    expect(full.total).toBe(tables);
    expect(full.rows[0]!.totalBytes).toBe(exact);
  });

  test("the Indexes first view never waits for the whole database nor the findings: its page is measured alone", async () => {
    await useServers([{ id: server, url: s.url }]);
    cold();
    const sizeOf = (name: string) => withClient(url, async (c) => Number((await c.query(`SELECT pg_relation_size($1::regclass)::int8 AS b`, [name])).rows[0].b));
    const indexCount = TABLES * 2 + 1; // a primary key and s_<i>_n per table, and s_7_big
    const first = IndexesResponse.parse(await indexesPage(server, IndexesQuery.parse({ db: dbName }), { provisional: true }));
    expect(first.sizesPending).toBe(true);
    expect(first.findings).toBeUndefined(); // judging every index is left to the first poll
    expect(first.total).toBe(indexCount);
    expect(first.rows).toHaveLength(50);
    // measured (exactly), largest first within the page, with definitions
    expect(first.rows[0]!.sizeBytes).toBe(await sizeOf(first.rows[0]!.name));
    expect(first.rows[0]!.sizeBytes).toBeGreaterThan(8192);
    expect(first.rows.map((r) => r.sizeBytes)).toEqual(first.rows.map((r) => r.sizeBytes).sort((a, b) => b - a));
    expect(first.rows[0]!.definition).toMatch(/^CREATE (UNIQUE )?INDEX /);
    const byName = await indexesPage(server, IndexesQuery.parse({ db: dbName, sort: "name", dir: "asc", offset: "10" }), { provisional: true });
    expect(byName.total).toBe(indexCount); // provisional or from the snapshot by now: the same page

    expect(byName.rows.map((r) => r.name)).toEqual([...byName.rows.map((r) => r.name)].sort());
    // the snapshot was started meanwhile: then the full answer, with the findings once judged
    await vi.waitFor(async () => expect((await indexesPage(server, IndexesQuery.parse({ db: dbName }), { provisional: true })).findings).toBeDefined(), { timeout: 10_000 });
    const full = await indexesPage(server, IndexesQuery.parse({ db: dbName }), { provisional: true });
    expect(full.sizesPending).toBeUndefined();
    expect(full.total).toBe(indexCount);
    expect(full.rows[0]!.sizeBytes).toBe(await sizeOf(full.rows[0]!.name));
    expect(full.rows[0]!.sizeBytes).toBeGreaterThanOrEqual(await sizeOf("s_7_big"));
    expect(full.findings?.findings.find((f) => f.kind === "unused")?.name).toBe("s_7_big");
  });

  test("the database list is kept between polls, and read again at once for a name it lacks", async () => {
    await useServers([{ id: server, url: s.url }]);
    cold();
    const late = `${dbName}_late`;
    await withClient(s.url, (c) => c.query(`DROP DATABASE IF EXISTS ${late} WITH (FORCE)`));
    expect(await serverDatabases(server)).not.toContainEqual({ name: late }); // the list is read (and kept)
    await freshDatabase(s.url, late);
    const page = await tablesPage(server, TablesQuery.parse({ db: late }));
    expect(page.total).toBe(0);
    expect(await serverDatabases(server)).toContainEqual({ name: late });
    await expect(tablesPage(server, TablesQuery.parse({ db: `${late}_none` }))).rejects.toMatchObject({ code: "unknown_database" });
    await closeAllPools();
    await withClient(s.url, (c) => c.query(`DROP DATABASE ${late} WITH (FORCE)`));
  });

  test("two server entries for the same cluster share one snapshot; the database list is names only", async () => {
    await useServers([
      { id: server, url: s.url },
      { id: `${server}b`, url: s.url },
    ]);
    cold();
    const calls = () => withClient(url, async (c) => (await c.query(SNAPSHOT_CALLS, [dbName])).rows[0].n as number);
    const before = await calls();
    const a = await tablesPage(server, TablesQuery.parse({ db: dbName }));
    const b = await tablesPage(`${server}b`, TablesQuery.parse({ db: dbName }));
    expect(b.sizesAt).toBe(a.sizesAt);
    expect((await calls()) - before).toBe(1);
    expect(await serverDatabases(server)).toContainEqual({ name: dbName });
    const space = await spacePage(server, SpaceQuery.parse({ db: dbName }));
    expect(space.databases.find((d) => d.name === dbName)?.sizeBytes).toBeGreaterThan(0);
  });
});
