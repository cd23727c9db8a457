import { describe, expect, it } from "vitest";
import { lintSql } from "@/lib/lint";
import { findingsOf } from "./helpers";

// Issue 15, item 1: utility options are read with their values, the way PostgreSQL's
// defGetBoolean reads them (no value, true, on, 1 → on; false, off, 0 → off).
describe("option values", () => {
  it.each(["VACUUM (FULL FALSE) t;", "VACUUM (FULL 0, VERBOSE) t;", "VACUUM (full off) t;", "VACUUM (VERBOSE, FULL 'false', ANALYZE) t;"])(
    "%s is a plain VACUUM: no rewrite, SHARE UPDATE EXCLUSIVE",
    async (sql) => {
      const result = await lintSql(sql);
      expect(result.findings.filter((f) => f.rule === "table-rewrite")).toEqual([]);
      expect(result.tables).toEqual([{ name: "t", lock: "SHARE UPDATE EXCLUSIVE" }]);
    },
  );

  it.each(["VACUUM FULL t;", "VACUUM (FULL) t;", "VACUUM (FULL TRUE) t;", "VACUUM (VERBOSE false, FULL 1) t;", "VACUUM (FULL on) t;"])("%s rewrites under ACCESS EXCLUSIVE", async (sql) => {
    const result = await lintSql(sql);
    expect(result.findings.map((f) => f.rule)).toContain("table-rewrite");
    expect(result.tables).toEqual([{ name: "t", lock: "ACCESS EXCLUSIVE" }]);
  });

  it("REINDEX (CONCURRENTLY false) is a plain, blocking REINDEX", async () => {
    const [f] = await findingsOf("reindex-not-concurrent", "REINDEX (CONCURRENTLY false) TABLE t;");
    expect(f?.severity).toBe("error");
    expect((await lintSql("REINDEX (CONCURRENTLY false) TABLE t;")).tables).toEqual([{ name: "t", lock: "SHARE" }]);
    expect(await findingsOf("concurrent-in-tx", "BEGIN; REINDEX (CONCURRENTLY off) INDEX i; COMMIT;")).toEqual([]);
    expect(await findingsOf("concurrent-index-pg14-bug", "REINDEX (CONCURRENTLY 0) INDEX i;", { serverVersionNum: 140002 })).toEqual([]);
  });

  it("REINDEX (CONCURRENTLY true, VERBOSE) is concurrent", async () => {
    expect(await findingsOf("reindex-not-concurrent", "REINDEX (CONCURRENTLY true, VERBOSE) TABLE t;")).toEqual([]);
    expect(await findingsOf("concurrent-in-tx", "BEGIN; REINDEX (CONCURRENTLY on) INDEX i; COMMIT;")).toHaveLength(1);
  });
});
