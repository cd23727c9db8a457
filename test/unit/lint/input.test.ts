import { describe, expect, it } from "vitest";
import { lintSql } from "@/lib/lint";
import { LintResult } from "@/lib/schemas/lint";

// Issue 15, item 6: robust input.
describe("a syntax error", () => {
  it("does not hide the findings of the statements before it, and names line and column", async () => {
    const sql = ["CREATE INDEX i ON public.t (c);", "ALTER TABLE public.t ADD COLUMN c int NOT NULL;", "ALTER TABLE public.t ADD COLUMN;", "DROP TABLE public.t;"].join("\n");
    const result = await lintSql(sql);
    expect(result.statementCount).toBe(2);
    const rules = result.findings.map((f) => [f.statement, f.rule]);
    expect(rules).toContainEqual([1, "index-not-concurrent"]);
    expect(rules).toContainEqual([2, "add-column-required"]);
    expect(rules).not.toContainEqual([4, "drop-table"]); // after the error: not checked
    const error = result.findings.find((f) => f.rule === "parse-error");
    expect(error).toMatchObject({ severity: "error", statement: 3, line: 3, column: 32 });
    expect(error?.message).toMatch(/^Syntax error at line 3, column 32:/);
    expect(error?.why).toContain("not checked");
    expect(LintResult.parse(result)).toEqual(result);
  });
});

describe("psql meta-commands", () => {
  it("are skipped with one note, and the SQL around them is linted", async () => {
    const sql = ["\\set ON_ERROR_STOP on", "\\connect shop", "SET lock_timeout = '2s';", "CREATE INDEX IF NOT EXISTS i ON public.t (c);", "\\echo done"].join("\n");
    const result = await lintSql(sql);
    expect(result.statementCount).toBe(2);
    expect(result.findings.map((f) => f.rule).sort()).toEqual(["index-not-concurrent", "psql-meta-command"]);
    const note = result.findings.find((f) => f.rule === "psql-meta-command");
    expect(note).toMatchObject({ severity: "info", statement: 0, line: 1, column: 1 });
    expect(note?.message).toContain("\\set (line 1), \\connect (line 2), \\echo (line 5)");
    expect(result.findings.find((f) => f.rule === "index-not-concurrent")).toMatchObject({ line: 4, statement: 2 });
  });

  it("\\gexec ends the statement and what it runs is reported as dynamic SQL; backslashes in strings are not commands", async () => {
    const sql = "SELECT format('VACUUM %I', relname) FROM pg_stat_user_tables \\gexec\nSELECT 'a\\b';";
    const result = await lintSql(sql);
    expect(result.statementCount).toBe(2);
    expect(result.findings.filter((f) => f.rule === "dynamic-sql")).toEqual([expect.objectContaining({ statement: 1, severity: "info" })]);
    expect(result.findings.find((f) => f.rule === "psql-meta-command")?.message).toContain("\\gexec (line 1)");
  });

  it("psql variables in a psql script do not break the parse", async () => {
    const result = await lintSql("\\set tbl orders\nALTER TABLE :tbl ADD COLUMN c int NOT NULL;\nSELECT :'tbl';");
    expect(result.findings.map((f) => f.rule)).toContain("add-column-required");
    expect(result.findings.map((f) => f.rule)).not.toContain("parse-error");
  });
});

describe("DO blocks", () => {
  it("get an info finding that says they were not analyzed and what they run", async () => {
    const [f] = (await lintSql("DO $$\nBEGIN\n  ALTER TABLE orders ADD COLUMN c int;\n  EXECUTE format('UPDATE %I SET c = 0', 'orders');\nEND $$;")).findings.filter((x) => x.rule === "dynamic-sql");
    expect(f).toMatchObject({ severity: "info", statement: 1 });
    expect(f?.message).toBe("DO block not analyzed: dynamic SQL (it runs ALTER TABLE, EXECUTE)");
  });
});
