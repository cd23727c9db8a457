import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { bloatEstimates, exactBloat } from "@/lib/pg/bloat";
import { connect, freshDatabase, pgServers } from "../helpers/pg";
import { oidOf, tableWithDeadRows, waitForTableStats, withClient } from "../helpers/storage-fixtures";

// The estimate must land within this many percentage points of pgstattuple's exact figure
// (dead tuples + free space, as a share of the table) for a table bloated on purpose.
const TOLERANCE_POINTS = 8;

describe.each(pgServers())("storage bloat on PG $major", (server) => {
  let url: string;
  let c: pg.Client;

  beforeAll(async () => {
    url = await freshDatabase(server.url, `storage_bloat_${server.major}`);
    c = await connect(url);
    await c.query(`CREATE EXTENSION pgstattuple`);
    // bloated: 2 of every 3 rows deleted, then a plain VACUUM: the pages stay, mostly empty
    await tableWithDeadRows(url, "bloated", { rows: 60_000, deleteEvery: 0, width: 100 });
    await withClient(url, (w) => w.query(`DELETE FROM bloated WHERE id % 3 <> 0`));
    await waitForTableStats(url, "bloated", (r) => r.n_dead_tup >= 40_000, "bloated's deletes counted");
    await tableWithDeadRows(url, "packed", { rows: 60_000, deleteEvery: 0, width: 100 });
    await withClient(url, (w) => w.query(`VACUUM ANALYZE bloated, packed`));
    for (const t of ["bloated", "packed"]) {
      await waitForTableStats(url, t, (r) => r.last_analyze !== null && r.n_mod_since_analyze === 0 && r.n_dead_tup === 0, `${t} vacuumed and analyzed`);
    }
    await withClient(url, (w) => w.query(`CREATE TABLE never_analyzed (id int, v text); INSERT INTO never_analyzed SELECT g, 'x' FROM generate_series(1, 10) g`));
  });
  afterAll(async () => {
    await c?.end();
  });

  test("a bloated table's estimate is close to pgstattuple's exact figure; a packed one shows little", async () => {
    const est = await bloatEstimates(c);
    expect(est.pgstattupleAvailable).toBe(true);
    const bloated = est.tables.find((t) => t.name === "bloated")!;
    const packed = est.tables.find((t) => t.name === "packed")!;
    const exact = await exactBloat(c, await oidOf(c, "public", "bloated"));
    const exactPacked = await exactBloat(c, await oidOf(c, "public", "packed"));
    expect(exact.wastedPct).toBeGreaterThan(50); // the situation really is there
    expect(Math.abs(bloated.bloatPct - exact.wastedPct)).toBeLessThan(TOLERANCE_POINTS);
    expect(bloated.statistics).toBe("ok");
    expect(bloated.actualBytes).toBe(exact.totalBytes);
    expect(packed.bloatPct).toBeLessThan(10);
    expect(Math.abs(packed.bloatPct - exactPacked.wastedPct)).toBeLessThan(TOLERANCE_POINTS);
    // sorted by estimated bloat, the worst first
    expect(est.tables[0]!.name).toBe("bloated");
  });

  test("btree index estimates: the index of the bloated table shows bloat, the packed one does not", async () => {
    const est = await bloatEstimates(c);
    const bloatedPk = est.indexes.find((i) => i.name === "bloated_pkey")!;
    const packedPk = est.indexes.find((i) => i.name === "packed_pkey")!;
    expect(bloatedPk.table).toBe("bloated");
    expect(bloatedPk.bloatPct).toBeGreaterThan(40);
    expect(packedPk.bloatPct).toBeLessThan(15);
    const exact = await exactBloat(c, await oidOf(c, "public", "bloated_pkey"));
    expect(exact.kind).toBe("index");
    expect(exact.details.avgLeafDensity).toBeLessThan(50);
  });

  test("missing statistics are flagged", async () => {
    const est = await bloatEstimates(c);
    expect(est.tables.find((t) => t.name === "never_analyzed")!.statistics).toBe("missing");
    expect(est.tables.find((t) => t.name === "packed")!.statistics).toBe("ok");
  });

  test("exact figures without the extension say how to get it", async () => {
    const other = await freshDatabase(server.url, `storage_bloat_noext_${server.major}`);
    await withClient(other, async (w) => {
      await w.query(`CREATE TABLE t (id int)`);
      await expect(exactBloat(w, await oidOf(w, "public", "t"))).rejects.toThrow(/CREATE EXTENSION pgstattuple/);
    });
  });
});
