import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { sizeSnapshot } from "@/lib/pg/size-measure";
import type { SizeSnapshot } from "@/lib/pg/size-snapshot";
import { tables, type TablesOptions } from "@/lib/pg/tables";
import { spaceOverview } from "@/lib/pg/space";
import { connect, freshDatabase, pgServers } from "../helpers/pg";
import { ident, tableWithDeadRows } from "../helpers/storage-fixtures";

const base: TablesOptions = { sort: "total_size", dir: "desc", limit: 50, offset: 0 };

describe.each(pgServers())("storage tables on PG $major", (server) => {
  let url: string;
  let c: pg.Client;
  let sizes: SizeSnapshot;

  beforeAll(async () => {
    url = await freshDatabase(server.url, `storage_tables_${server.major}`);
    c = await connect(url);
    await tableWithDeadRows(url, "dirty", { rows: 10_000, deleteEvery: 2 });
    await c.query(`ALTER TABLE dirty SET (autovacuum_vacuum_threshold = 100, autovacuum_vacuum_scale_factor = 0.1)`);
    await tableWithDeadRows(url, "clean", { rows: 1_000, deleteEvery: 0 });
    await c.query(`CREATE SCHEMA other`);
    await tableWithDeadRows(url, "elsewhere", { rows: 100, deleteEvery: 0, schema: "other" });
    await c.query(`CREATE TABLE ${ident("Mixed Case ü")} (v text)`);
    sizes = await sizeSnapshot(c);
  });
  afterAll(async () => {
    await c?.end();
  });

  test("a table with dead tuples is found with its trigger point, a clean one is not", async () => {
    const page = await tables(c, { ...base, minDeadPct: 20 }, sizes);
    const names = page.rows.map((r) => r.name);
    expect(names).toContain("dirty");
    expect(names).not.toContain("clean");
    const dirty = page.rows.find((r) => r.name === "dirty")!;
    expect(dirty.deadRows).toBe(5_000);
    expect(dirty.deadPct).toBeCloseTo(50, 0);
    expect(dirty.autovacuumEnabled).toBe(false);
    // reloptions win over the server's GUCs: 100 + 0.1 × 10,000 rows (ANALYZEd before the delete)
    expect(dirty.autovacuumDueAt).toBe(1_100);
    expect(dirty.deleted).toBe(5_000);
    expect(dirty.lastAnalyze).not.toBeNull();
    expect(dirty.lastVacuum).toBeNull();
  });

  test("sizes add up and match PostgreSQL's own totals", async () => {
    const page = await tables(c, base, sizes);
    const dirty = page.rows.find((r) => r.name === "dirty")!;
    const { rows } = await c.query(`SELECT pg_total_relation_size('dirty')::int8 AS t, pg_indexes_size('dirty')::int8 AS i`);
    expect(dirty.totalBytes).toBe(Number(rows[0].t));
    expect(dirty.indexBytes).toBe(Number(rows[0].i));
    expect(dirty.heapBytes + dirty.indexBytes + dirty.toastBytes).toBe(dirty.totalBytes);
    expect(dirty.heapBytes).toBeGreaterThan(8192 * 10);
    // sorted by size: the biggest first
    expect(page.rows[0]!.name).toBe("dirty");
  });

  test("server-side sort, filters and paging", async () => {
    const all = await tables(c, { ...base, sort: "name", dir: "asc" }, sizes);
    expect(all.total).toBe(4);
    expect(all.rows.map((r) => `${r.schema}.${r.name}`)).toEqual(["other.elsewhere", "public.Mixed Case ü", "public.clean", "public.dirty"]);
    const page2 = await tables(c, { ...base, sort: "name", dir: "asc", limit: 2, offset: 2 }, sizes);
    expect(page2.total).toBe(4);
    expect(page2.rows.map((r) => r.name)).toEqual(["clean", "dirty"]);
    const past = await tables(c, { ...base, limit: 2, offset: 10 }, sizes);
    expect(past.rows).toEqual([]);
    expect(past.total).toBe(4);
    expect((await tables(c, { ...base, schema: "other" }, sizes)).rows.map((r) => r.name)).toEqual(["elsewhere"]);
    expect((await tables(c, { ...base, q: "CASE ü" }, sizes)).rows.map((r) => r.name)).toEqual(["Mixed Case ü"]);
    const big = await tables(c, { ...base, minSizeBytes: 200_000 }, sizes);
    expect(big.rows.map((r) => r.name)).toEqual(["dirty"]);
    const byDead = await tables(c, { ...base, sort: "dead", dir: "desc", limit: 1 }, sizes);
    expect(byDead.rows[0]!.name).toBe("dirty");
  });

  test("space: top tables and per-schema totals from the snapshot", async () => {
    const space = spaceOverview([{ name: "x", sizeBytes: 1 }], sizes, 2);
    expect(space.topTables.map((t) => t.name)).toEqual(["dirty", "clean"]);
    const schemas = Object.fromEntries(space.schemas.map((s) => [s.schema, s]));
    expect(schemas.public!.tables).toBe(3);
    expect(schemas.other!.tables).toBe(1);
    const { rows } = await c.query(
      `SELECT sum(pg_total_relation_size(c.oid))::int8 AS t FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'`,
    );
    expect(schemas.public!.totalBytes).toBe(Number(rows[0].t));
  });
});
