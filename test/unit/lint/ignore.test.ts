import { describe, expect, it } from "vitest";
import { lintSql } from "@/lib/lint";
import { LintResult } from "@/lib/schemas/lint";

// Issue 15, item 5: `-- pgwarden-lint-ignore RULE: reason` on the statement, reason required.
describe("inline ignore comments", () => {
  it("a comment above the statement ignores that rule there, keeps the reason, and leaves other rules alone", async () => {
    const sql = [
      "SET lock_timeout = '2s';",
      "-- pgwarden-lint-ignore drop-column: the app stopped reading legacy_flag in release 41 (PR #1234)",
      "ALTER TABLE public.users DROP COLUMN IF EXISTS legacy_flag;",
      "ALTER TABLE public.orders DROP COLUMN IF EXISTS note;",
    ].join("\n");
    const result = await lintSql(sql);
    expect(result.findings.map((f) => [f.rule, f.statement])).toEqual([["drop-column", 3]]);
    expect(result.ignored).toEqual([
      expect.objectContaining({ rule: "drop-column", statement: 2, line: 3, ignore: { reason: "the app stopped reading legacy_flag in release 41 (PR #1234)", line: 2 } }),
    ]);
    expect(LintResult.parse(result)).toEqual(result);
  });

  it("works as a trailing comment, a block comment, and for several rules at once", async () => {
    const trailing = await lintSql("DROP INDEX public.i; -- pgwarden-lint-ignore drop-index-not-concurrent, missing-lock-timeout: tiny lookup table\nDROP INDEX public.j;");
    expect(trailing.ignored.map((f) => [f.rule, f.statement])).toEqual([
      ["drop-index-not-concurrent", 1],
      ["missing-lock-timeout", 1],
    ]);
    expect(trailing.findings.filter((f) => f.statement === 2).map((f) => f.rule)).toContain("drop-index-not-concurrent");
    const block = await lintSql("/* pgwarden-lint-ignore truncate-cascade: fixtures only */ TRUNCATE public.a CASCADE;");
    expect(block.ignored.map((f) => f.ignore.reason)).toEqual(["fixtures only"]);
  });

  it("without a reason the ignore does not apply and says why", async () => {
    const { findings, ignored } = await lintSql("-- pgwarden-lint-ignore drop-column\nALTER TABLE public.t DROP COLUMN IF EXISTS c;");
    expect(ignored).toEqual([]);
    expect(findings.map((f) => f.rule).sort()).toEqual(["drop-column", "lint-comment", "missing-lock-timeout"]);
    expect(findings.find((f) => f.rule === "lint-comment")).toMatchObject({ severity: "warning", line: 1, message: expect.stringContaining("reason") });
  });

  it("reports an unknown rule, and an ignore that matches nothing", async () => {
    const unknown = await lintSql("-- pgwarden-lint-ignore drop-colum: typo\nALTER TABLE public.t DROP COLUMN c;");
    expect(unknown.findings.find((f) => f.rule === "lint-comment")?.message).toContain("drop-colum");
    const unused = await lintSql("-- pgwarden-lint-ignore drop-column: not needed\nALTER TABLE public.t ADD COLUMN IF NOT EXISTS c int;");
    expect(unused.findings.find((f) => f.rule === "lint-comment")).toMatchObject({ severity: "info", message: expect.stringContaining("nothing") });
  });

  it("the words inside a string are not a comment", async () => {
    const { ignored } = await lintSql("UPDATE public.t SET note = '-- pgwarden-lint-ignore backfill-in-ddl-tx: x';");
    expect(ignored).toEqual([]);
  });
});
