import { describe, expect, it } from "vitest";
import { groupByStatement } from "@/components/migrations/lint/statement-group";
import { lintSql } from "@/lib/lint";

describe("the lint page's grouping", () => {
  it("groups findings per statement and folds a recipe already shown for an earlier statement", async () => {
    const { findings } = await lintSql("ALTER TABLE public.a ADD COLUMN x int NOT NULL;\nALTER TABLE public.b ADD COLUMN IF NOT EXISTS y int;");
    const groups = groupByStatement(findings);
    expect(groups.map((g) => g.statement)).toEqual([1, 2]);
    const timeout = (s: number) => groups[s - 1]?.findings.find((f) => f.finding.rule === "missing-lock-timeout");
    expect(timeout(1)?.sameAsStatement).toBeUndefined();
    expect(timeout(2)?.sameAsStatement).toBe(1);
    // Recipes that differ (they name the statement's own table and column) are never folded.
    expect(groups[0]?.findings.find((f) => f.finding.rule === "add-column-required")?.sameAsStatement).toBeUndefined();
  });
});

describe("the lint page's grouping of file-level notes", () => {
  it("puts notes about the whole file (statement 0) first, apart from the statements", async () => {
    const { findings } = await lintSql("\\set ON_ERROR_STOP on\nALTER TABLE public.a ADD COLUMN x int NOT NULL;");
    const groups = groupByStatement(findings);
    expect(groups.map((g) => g.statement)).toEqual([0, 1]);
    expect(groups[0]?.findings.map((f) => f.finding.rule)).toEqual(["psql-meta-command"]);
  });
});
