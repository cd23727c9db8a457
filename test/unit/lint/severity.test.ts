import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { lintSql, ruleCatalog, RULES } from "@/lib/lint";
import { FILE_RULES, RULE_DEFAULTS } from "@/lib/lint/severities";
import { findingsOf } from "./helpers";

// Issue 15, item 4: severity by harm, defaults in one table, overridable.
describe("default severities", () => {
  // The list of operations that break or lock for long but were warnings only.
  it.each([
    ["drop-column", "ALTER TABLE t DROP COLUMN c;", {}],
    ["drop-not-null", "ALTER TABLE t ALTER COLUMN c DROP NOT NULL;", {}],
    ["drop-index-not-concurrent", "DROP INDEX i;", {}],
    ["refresh-matview", "REFRESH MATERIALIZED VIEW m;", {}],
    ["attach-without-check", "ALTER TABLE p ATTACH PARTITION p1 FOR VALUES IN (1);", {}],
    ["domain-add-check", "ALTER DOMAIN positive ADD CONSTRAINT p CHECK (VALUE > 0);", {}],
    ["backfill-in-ddl-tx", "UPDATE t SET c = 0;", {}],
    ["backfill-in-ddl-tx", "DELETE FROM t;", {}],
    ["concurrent-index-pg14-bug", "CREATE INDEX CONCURRENTLY i ON t (c);", { serverVersionNum: 140003 }],
    ["enum-value-used-in-tx", "BEGIN; ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok'; UPDATE t SET m = 'meh' WHERE id = 1; COMMIT;", {}],
  ] as const)("%s is an error: %s", async (rule, sql, options) => {
    const found = await findingsOf(rule, sql, options);
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((f) => f.severity)).toEqual(found.map(() => "error"));
  });

  it("every rule has exactly one default in the table, and the table lists nothing else", () => {
    const ids = [...RULES.map((r) => r.id), ...FILE_RULES.map((r) => r.id)].sort();
    expect(Object.keys(RULE_DEFAULTS).sort()).toEqual(ids);
  });

  it("the README's rule table shows every rule with its default severity and title", () => {
    const readme = fs.readFileSync("README.md", "utf8");
    for (const r of ruleCatalog()) {
      expect(readme, r.id).toContain(`| \`${r.id}\` | ${r.severity} | ${r.title.replaceAll("|", "\\|")} |`);
    }
    expect(Object.keys(RULE_DEFAULTS)).toHaveLength(ruleCatalog().length);
  });
});

describe("severity overrides", () => {
  const sql = "ALTER TABLE public.t DROP COLUMN c;\nDROP INDEX public.i;";

  it("a rule can be set to another severity or turned off", async () => {
    const { findings } = await lintSql(sql, { rules: { "drop-column": "warning", "drop-index-not-concurrent": "off" } });
    expect(findings.find((f) => f.rule === "drop-column")?.severity).toBe("warning");
    expect(findings.find((f) => f.rule === "drop-index-not-concurrent")).toBeUndefined();
  });

  it("an override wins over a rule's own lowered severity", async () => {
    const sql14 = "ALTER TABLE p DETACH PARTITION p1;"; // a warning before 14: there is no concurrent form
    expect((await findingsOf("detach-not-concurrent", sql14, { serverVersionNum: 130000 }))[0]?.severity).toBe("warning");
    expect((await findingsOf("detach-not-concurrent", sql14, { serverVersionNum: 130000, rules: { "detach-not-concurrent": "error" } }))[0]?.severity).toBe("error");
  });

  it("minSeverity leaves out findings below it", async () => {
    const { findings } = await lintSql("ALTER TABLE t ADD COLUMN c int;", { minSeverity: "warning" });
    expect(findings.map((f) => f.rule)).toEqual(["missing-lock-timeout"]); // unqualified-name (info) is left out
    const all = await lintSql("ALTER TABLE t ADD COLUMN c int;");
    expect(all.findings.map((f) => f.severity)).toContain("info");
  });
});
