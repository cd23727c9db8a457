import { describe, expect, test } from "vitest";
import { jobTag } from "@/lib/pg/job-backend";
import { exactBloatStatement, ExactBloatRefusal, shapeExactBloat, type ExactTarget } from "@/lib/pg/relations/exact-bloat";
import { conflictingLockModes, maintenanceStatement, MaintenanceRefusal } from "@/lib/pg/relations/maintenance-sql";
import { MaintenanceRequest } from "@/lib/schemas/maintenance";
import { JOB_PERMISSION, JobCommand } from "@/lib/schemas/jobs";
import { roleAllows } from "@/lib/auth/permissions";

const table: ExactTarget = { oid: 16384, schema: "public", name: `x"; DROP TABLE t; --`, kind: "r", am: null, pgstattupleSchema: "ext schema", blockSize: 8192 };

describe("exact bloat (pgstattuple) statements", () => {
  test("tables use pgstattuple, btree indexes pgstatindex, in the extension's schema, by OID", () => {
    expect(exactBloatStatement(table)).toBe(`SELECT * FROM "ext schema".pgstattuple(16384::oid::regclass)`);
    expect(exactBloatStatement({ ...table, kind: "i", am: "btree" })).toBe(`SELECT * FROM "ext schema".pgstatindex(16384::oid::regclass)`);
    expect(exactBloatStatement({ ...table, kind: "m" })).toContain("pgstattuple(");
  });
  test("refusals: no extension, hash or gin index, a view", () => {
    expect(() => exactBloatStatement({ ...table, pgstattupleSchema: null })).toThrow(/CREATE EXTENSION pgstattuple/);
    expect(() => exactBloatStatement({ ...table, kind: "i", am: "hash" })).toThrow(ExactBloatRefusal);
    expect(() => exactBloatStatement({ ...table, kind: "v" })).toThrow(/tables and btree indexes only/);
  });
  test("as a maintenance request: no options accepted, refusals become MaintenanceRefusal, only ACCESS EXCLUSIVE conflicts", () => {
    expect(MaintenanceRequest.safeParse({ kind: "bloat_exact", relid: 1, options: { verbose: true } }).success).toBe(false);
    const req = MaintenanceRequest.parse({ kind: "bloat_exact", relid: 16384 });
    expect(maintenanceStatement(req, { ...table }, 180000)).toBe(`SELECT * FROM "ext schema".pgstattuple(16384::oid::regclass)`);
    expect(() => maintenanceStatement(req, { ...table, pgstattupleSchema: null }, 180000)).toThrow(MaintenanceRefusal);
    expect(conflictingLockModes("bloat_exact")).toEqual(["AccessExclusiveLock"]);
  });
  test("figures: dead tuples + free space for a table; unused leaf space and empty pages for an index", () => {
    const t = shapeExactBloat(table, { table_len: 1000, tuple_count: 10, tuple_len: 400, dead_tuple_count: 5, dead_tuple_len: 300, free_space: 100 });
    expect(t).toMatchObject({ kind: "table", name: `public.x"; DROP TABLE t; --`, totalBytes: 1000, wastedBytes: 400, wastedPct: 40 });
    const i = shapeExactBloat(
      { ...table, kind: "i", am: "btree" },
      { index_size: 8192 * 10, leaf_pages: 8, internal_pages: 1, empty_pages: 1, deleted_pages: 0, avg_leaf_density: 75, leaf_fragmentation: 0 },
    );
    expect(i.wastedBytes).toBe(8 * 8192 * 0.25 + 8192);
    expect(i.wastedPct).toBeCloseTo(30, 5);
    // No leaf pages: pgstatindex reports NaN density; nothing is wasted there.
    expect(shapeExactBloat({ ...table, kind: "i", am: "btree" }, { index_size: 8192, leaf_pages: 0, empty_pages: 0, deleted_pages: 0, avg_leaf_density: null }).wastedBytes).toBe(0);
  });
});

describe("job identity and permissions", () => {
  test("the tag is a comment with the job id and nothing else", () => {
    expect(jobTag(42)).toBe("/* pgwarden job 42 */");
    expect(jobTag("4*/ SELECT 1; /*")).toBe("/* pgwarden job 4SELECT1 */");
  });
  test("every command has a permission; cancelling VACUUM FULL needs an admin, exact bloat an operator", () => {
    for (const c of JobCommand.options) expect(JOB_PERMISSION[c]).toBeTruthy();
    expect(roleAllows("operator", JOB_PERMISSION.vacuum_full)).toBe(false);
    expect(roleAllows("admin", JOB_PERMISSION.vacuum_full)).toBe(true);
    expect(roleAllows("operator", JOB_PERMISSION.bloat_exact)).toBe(true);
    expect(roleAllows("viewer", JOB_PERMISSION.bloat_exact)).toBe(false);
  });
});
