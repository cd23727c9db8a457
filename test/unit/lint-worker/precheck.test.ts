import { describe, expect, it } from "vitest";
import { PRECHECK_LIMITS, precheckSql } from "@/lib/lint/worker/precheck";

describe("precheckSql: refuses what PostgreSQL's scanner chokes on, before parsing", () => {
  it("the issue's attack: 800 kB of nested comments is refused in milliseconds, naming the line", () => {
    const sql = "SELECT 1;\n" + "/*".repeat(200_000) + "*/".repeat(200_000);
    const t0 = performance.now();
    const r = precheckSql(sql);
    expect(performance.now() - t0).toBeLessThan(200);
    expect(r).toMatchObject({ status: 400, code: "lint_comment_nesting" });
    expect(r!.message).toContain("more than 32 deep at line 2");
  });

  it("nesting with spaces counts the same; 32 levels pass", () => {
    expect(precheckSql("/* ".repeat(33) + "*/ ".repeat(33) + "SELECT 1;")?.code).toBe("lint_comment_nesting");
    expect(precheckSql("/* ".repeat(32) + "*/ ".repeat(32) + "SELECT 1;")).toBeNull();
  });

  it("comment openers and closers alternating in one run (never deeper than 2) are refused too", () => {
    const r = precheckSql("/* " + "/*/**/".repeat(5_000) + " */ SELECT 1;");
    expect(r).toMatchObject({ status: 400, code: "lint_operator_run" });
    expect(r!.message).toMatch(/comment markers/);
  });

  it("long runs of operator characters in code (+-+-…, the operator rule's quadratic case)", () => {
    const r = precheckSql("SELECT 1 " + "+-".repeat(50_000) + " 1;");
    expect(r).toMatchObject({ status: 400, code: "lint_operator_run" });
    expect(r!.message).toContain("Line 1 has a run of more than 64 operator characters");
  });

  it("size over the cap is 413", () => {
    expect(precheckSql("x".repeat(PRECHECK_LIMITS.chars + 1))).toMatchObject({ status: 413, code: "lint_too_large" });
  });

  it("more than 10,000 statements is 413; semicolons in strings, comments and dollar quotes do not count", () => {
    expect(precheckSql("SELECT 1;".repeat(10_001))).toMatchObject({ status: 413, code: "lint_too_many_statements" });
    expect(precheckSql("SELECT 1;".repeat(10_000))).toBeNull();
    expect(precheckSql(";;;;" + "SELECT 1;".repeat(9_999))).toBeNull();
    const hidden = "SELECT ';;;;;;', $x$;;;;;$x$, E'\\';;;', \";;\" /* ;;;; */ -- ;;;;\n;";
    expect(precheckSql(hidden.repeat(5_000))).toBeNull();
  });

  it("operator-looking text inside strings, dollar quotes and line comments is not counted", () => {
    const sql = [
      `SELECT '${"+-".repeat(2_000)}';`,
      `DO $$ BEGIN RAISE NOTICE '${"=".repeat(1_000)}'; END $$;`,
      `-- ${"-".repeat(2_000)}`,
      `/* ${"=".repeat(2_000)} */`,
      `/${"*".repeat(2_000)}/`,
      `SELECT 1;`,
    ].join("\n");
    expect(precheckSql(sql)).toBeNull();
  });

  it("ordinary migrations pass untouched, and 1 MB is checked quickly", () => {
    const migration = `
      -- 2024_05_01_add_status.sql
      /* Adds a status column. /* nested note */ Safe on big tables. */
      SET lock_timeout = '2s';
      ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';
      CREATE INDEX CONCURRENTLY orders_status_idx ON orders (status) WHERE status <> 'done';
      UPDATE orders SET total = total * 1.2 WHERE id >= 10 AND id <= 20 OR note ~* '^a|b$';
      CREATE FUNCTION f(a int) RETURNS int LANGUAGE sql AS $fn$ SELECT a + 1 $fn$;
      SELECT data->>'k', data #>> '{a,b}', x::text, y @> '{}'::jsonb, $1, E'it\\'s', U&'d\\0061t' FROM t;
    `;
    expect(precheckSql(migration)).toBeNull();
    const big = migration.repeat(1_400); // ~8,400 statements, ~0.8 MB
    const t0 = performance.now();
    expect(precheckSql(big)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
