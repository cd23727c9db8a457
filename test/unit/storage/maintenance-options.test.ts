import { describe, expect, test } from "vitest";
import { maintenanceStatement, MaintenanceRefusal, type CatalogRelation } from "@/lib/pg/relations/maintenance-sql";
import { BufferUsageLimit, MaintenanceRequest } from "@/lib/schemas/maintenance";

const rel: CatalogRelation = { oid: 16384, schema: "public", name: `x"; DROP TABLE t; --`, kind: "r" };
const parse = (v: unknown) => MaintenanceRequest.safeParse(v);
const stmt = (v: unknown, version = 180000, r = rel) => maintenanceStatement(MaintenanceRequest.parse(v), r, version);

describe("the option allow-list", () => {
  test.each([
    ["256kB); COPY (SELECT 1) TO PROGRAM 'id' --"],
    ["256kB"], // the strict form needs the space
    ["256 KB"],
    ["64 kB"], // below PostgreSQL's 128 kB minimum
    ["17 GB"],
    ["1 TB"],
    [" 256 kB"],
    ["256 kB\n"],
  ])("BUFFER_USAGE_LIMIT %j is rejected", (v) => {
    expect(BufferUsageLimit.safeParse(v).success).toBe(false);
  });
  test.each([["0"], ["256 kB"], ["128 kB"], ["16 GB"], ["300 MB"]])("BUFFER_USAGE_LIMIT %j is accepted", (v) => {
    expect(BufferUsageLimit.safeParse(v).success).toBe(true);
  });
  test("parallel is a bounded integer, index_cleanup an enum, truncate only false, relid an oid", () => {
    expect(parse({ kind: "vacuum", relid: 1, options: { parallel: "2; SELECT 1" } }).success).toBe(false);
    expect(parse({ kind: "vacuum", relid: 1, options: { parallel: 2.5 } }).success).toBe(false);
    expect(parse({ kind: "vacuum", relid: 1, options: { parallel: 33 } }).success).toBe(false);
    expect(parse({ kind: "vacuum", relid: 1, options: { parallel: -1 } }).success).toBe(false);
    expect(parse({ kind: "vacuum", relid: 1, options: { indexCleanup: "maybe" } }).success).toBe(false);
    expect(parse({ kind: "vacuum", relid: 1, options: { truncate: true } }).success).toBe(false);
    expect(parse({ kind: "vacuum", relid: "1; DROP TABLE t" }).success).toBe(false);
    expect(parse({ kind: "vacuum", relid: 0 }).success).toBe(false);
    expect(parse({ kind: "vacuum", relid: 4_294_967_296 }).success).toBe(false);
  });
  test("unknown options, and options that do not apply to the command, are rejected", () => {
    expect(parse({ kind: "vacuum", relid: 1, options: { disable_page_skipping: true } }).success).toBe(false);
    expect(parse({ kind: "vacuum_full", relid: 1, options: { parallel: 2 } }).success).toBe(false);
    expect(parse({ kind: "analyze", relid: 1, options: { indexCleanup: "on" } }).success).toBe(false);
    expect(parse({ kind: "reindex_index", relid: 1, options: { skipLocked: true } }).success).toBe(false);
    expect(parse({ kind: "drop", relid: 1 }).success).toBe(false);
    expect(parse({ kind: "vacuum", relid: 1, lockTimeoutMs: 0 }).success).toBe(false);
    expect(parse({ kind: "vacuum", relid: 1, extra: 1 }).success).toBe(false);
  });
  test("the lock timeout defaults to 3 s", () => {
    expect(MaintenanceRequest.parse({ kind: "vacuum", relid: 1 }).lockTimeoutMs).toBe(3_000);
  });
});

describe("statement building", () => {
  test("names are quoted from the catalog, options come out in fixed spelling", () => {
    expect(stmt({ kind: "vacuum", relid: 1 })).toBe(`VACUUM "public"."x""; DROP TABLE t; --"`);
    expect(
      stmt({
        kind: "vacuum_analyze",
        relid: 1,
        options: { verbose: true, skipLocked: true, indexCleanup: "auto", parallel: 4, bufferUsageLimit: "2 MB", truncate: false },
      }),
    ).toBe(`VACUUM (ANALYZE, VERBOSE, SKIP_LOCKED, INDEX_CLEANUP AUTO, PARALLEL 4, TRUNCATE false, BUFFER_USAGE_LIMIT '2 MB') "public"."x""; DROP TABLE t; --"`);
    expect(stmt({ kind: "vacuum_full", relid: 1, options: { verbose: true } })).toBe(`VACUUM (FULL, VERBOSE) "public"."x""; DROP TABLE t; --"`);
    expect(stmt({ kind: "analyze", relid: 1 })).toBe(`ANALYZE "public"."x""; DROP TABLE t; --"`);
    expect(stmt({ kind: "reindex_table", relid: 1, options: { verbose: true } })).toBe(`REINDEX (VERBOSE) TABLE CONCURRENTLY "public"."x""; DROP TABLE t; --"`);
    expect(stmt({ kind: "reindex_index", relid: 1 }, 180000, { ...rel, name: "O'Brien_idx", kind: "i" })).toBe(
      `REINDEX INDEX CONCURRENTLY "public"."O'Brien_idx"`,
    );
  });
  test("refusals: wrong relation kind, features newer than the server", () => {
    expect(() => stmt({ kind: "reindex_index", relid: 1 })).toThrow(MaintenanceRefusal);
    expect(() => stmt({ kind: "vacuum", relid: 1 }, 180000, { ...rel, kind: "i" })).toThrow(/not a table/);
    expect(() => stmt({ kind: "vacuum", relid: 1 }, 180000, { ...rel, kind: "v" })).toThrow(MaintenanceRefusal);
    expect(() => stmt({ kind: "vacuum", relid: 1, options: { bufferUsageLimit: "256 kB" } }, 150000)).toThrow(/PostgreSQL 16/);
    expect(() => stmt({ kind: "vacuum", relid: 1, options: { indexCleanup: "auto" } }, 130000)).toThrow(/PostgreSQL 14/);
    expect(() => stmt({ kind: "vacuum", relid: 1, options: { parallel: 2 } }, 120000)).toThrow(/PostgreSQL 13/);
    expect(() => stmt({ kind: "reindex_table", relid: 1 }, 110000)).toThrow(/PostgreSQL 12/);
    expect(stmt({ kind: "vacuum", relid: 1, options: { indexCleanup: "off" } }, 130000)).toContain("INDEX_CLEANUP OFF");
  });
});
