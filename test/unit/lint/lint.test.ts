import { describe, expect, it } from "vitest";
import { lintSql } from "@/lib/lint";
import { LintResult } from "@/lib/schemas/lint";
import { findingsOf, recipeSql } from "./helpers";

describe("lintSql: the cases the issue names", () => {
  it("CREATE INDEX without CONCURRENTLY → index-not-concurrent with the CONCURRENTLY recipe", async () => {
    const [f] = await findingsOf("index-not-concurrent", "CREATE INDEX i ON t(c);");
    expect(f).toMatchObject({ severity: "error", lock: "SHARE", work: "build", tables: [{ name: "t" }], statement: 1, line: 1 });
    expect(f?.excerpt).toBe("CREATE INDEX i ON t(c)");
    const sql = recipeSql(f);
    expect(sql).toContain("CREATE INDEX CONCURRENTLY i ON t(c);");
    expect(sql).toContain("indisvalid");
    expect(sql).toContain("DROP INDEX CONCURRENTLY i;");
    expect(f?.recipe?.steps[0]?.text).toMatch(/outside a transaction/);
  });

  it("ADD COLUMN … NOT NULL without a default → add-column-required", async () => {
    const [f] = await findingsOf("add-column-required", "ALTER TABLE t ADD COLUMN c int NOT NULL;");
    expect(f).toMatchObject({ severity: "error", lock: "ACCESS EXCLUSIVE", tables: [{ name: "t" }] });
    const sql = recipeSql(f);
    expect(sql).toContain("SET lock_timeout");
    expect(sql).toContain("ALTER TABLE t ADD COLUMN c integer;");
    expect(sql).toContain("NOT NULL c NOT VALID"); // PostgreSQL 18 by default
  });
});

describe("statements, lines and columns", () => {
  const file = [
    "-- 2024_01_01_orders.sql", // 1
    "SET lock_timeout = '2s';", // 2
    "", // 3
    "/* café: multi-byte text before the statements must not shift positions */", // 4
    "CREATE TABLE IF NOT EXISTS public.notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text);", // 5
    "ALTER TABLE public.orders", // 6
    "  ADD COLUMN IF NOT EXISTS note text,", // 7
    "  ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES public.users (id);", // 8
    "SELECT '😀'; CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_note ON public.orders (note);", // 9
  ].join("\n");

  it("splits with the parser and reports the line and column of the offending clause", async () => {
    const result = await lintSql(file);
    expect(result.statementCount).toBe(5);
    const fk = result.findings.find((f) => f.rule === "fk-without-not-valid");
    expect(fk).toMatchObject({ statement: 3, line: 8, column: 7 });
    expect(fk?.excerpt.startsWith("ALTER TABLE public.orders")).toBe(true);
    expect(fk?.lock).toBe("SHARE ROW EXCLUSIVE");
    expect(fk?.tables).toEqual([{ schema: "public", name: "orders" }, { schema: "public", name: "users" }]);
    // Nothing else: the lock_timeout is set, the new table is exempt, the index is concurrent.
    expect(result.findings.map((f) => f.rule)).toEqual(["fk-without-not-valid"]);
    expect(LintResult.parse(result)).toEqual(result);
  });

  it("lists the existing tables the file locks, with the strongest lock (new tables left out)", async () => {
    const { tables } = await lintSql(file);
    expect(tables).toEqual([
      { schema: "public", name: "users", lock: "SHARE ROW EXCLUSIVE" },
      { schema: "public", name: "orders", lock: "ACCESS EXCLUSIVE" },
    ]);
  });

  it("counts columns in characters after multi-byte text on the same line", async () => {
    const [f] = await findingsOf("index-not-concurrent", "SELECT 'ééé😀'; CREATE INDEX i ON t (c);");
    // "SELECT 'ééé😀'; " is 15 characters (the emoji is one, though two UTF-16 units and four bytes).
    expect(f).toMatchObject({ statement: 2, line: 1, column: 16 + "CREATE INDEX i ON ".length });
  });

  it("handles empty input and comment-only files", async () => {
    expect(await lintSql("")).toMatchObject({ findings: [], statementCount: 0 });
    expect(await lintSql("-- nothing\n/* here */\n")).toMatchObject({ findings: [], statementCount: 0 });
  });
});

describe("parse errors", () => {
  it("is a finding with the line and column of the cursor position", async () => {
    const { findings, statementCount } = await lintSql("SELECT 1;\nSELECT 'é', 2 FRM t;\n");
    expect(statementCount).toBe(0);
    expect(findings).toHaveLength(1);
    // The parser stops at "t" (FRM is read as a column alias): line 2, character 19.
    expect(findings[0]).toMatchObject({ rule: "parse-error", severity: "error", statement: 2, line: 2, column: 19, recipe: null });
    expect(findings[0]?.message).toContain('syntax error at or near "t"');
  });

  it("points at the first character for an error at the start", async () => {
    const [f] = (await lintSql("SELEC 1;")).findings;
    expect(f).toMatchObject({ rule: "parse-error", line: 1, column: 1, statement: 1 });
  });
});

describe("version-sensitive recipes", () => {
  const setNotNull = "ALTER TABLE t ALTER COLUMN c SET NOT NULL;";
  it("SET NOT NULL: NOT NULL … NOT VALID on 18, a validated CHECK on 12–17, no skip before 12", async () => {
    const pg18 = recipeSql((await findingsOf("set-not-null", setNotNull, { serverVersionNum: 180000 }))[0]);
    expect(pg18).toContain("ADD CONSTRAINT t_c_not_null NOT NULL c NOT VALID;");
    expect(pg18).not.toContain("CHECK");
    const pg17 = recipeSql((await findingsOf("set-not-null", setNotNull, { serverVersionNum: 170005 }))[0]);
    expect(pg17).toContain("CHECK (c IS NOT NULL) NOT VALID;");
    expect(pg17).toContain("VALIDATE CONSTRAINT t_c_not_null;");
    expect(pg17).toContain("ALTER TABLE t ALTER COLUMN c SET NOT NULL;");
    const pg12 = recipeSql((await findingsOf("set-not-null", setNotNull, { serverVersionNum: 120000 }))[0]);
    expect(pg12).toContain("SET NOT NULL");
    const pg11 = recipeSql((await findingsOf("set-not-null", setNotNull, { serverVersionNum: 110022 }))[0]);
    expect(pg11).toContain("CHECK (c IS NOT NULL) NOT VALID;");
    expect(pg11).not.toContain("SET NOT NULL");
  });

  it("REINDEX CONCURRENTLY from 12", async () => {
    const pg12 = await findingsOf("reindex-not-concurrent", "REINDEX TABLE app.t;", { serverVersionNum: 120000 });
    expect(recipeSql(pg12[0])).toContain("REINDEX TABLE CONCURRENTLY app.t;");
    const pg11 = await findingsOf("reindex-not-concurrent", "REINDEX TABLE app.t;", { serverVersionNum: 110000 });
    expect(recipeSql(pg11[0])).not.toContain("CONCURRENTLY");
    expect(pg11[0]?.recipe?.summary).toMatch(/Before PostgreSQL 12/);
  });

  it("DETACH CONCURRENTLY from 14", async () => {
    const sql = "ALTER TABLE p DETACH PARTITION p1;";
    const [pg14] = await findingsOf("detach-not-concurrent", sql, { serverVersionNum: 140000 });
    expect(pg14?.severity).toBe("error");
    expect(recipeSql(pg14)).toContain("DETACH PARTITION p1 CONCURRENTLY;");
    const [pg13] = await findingsOf("detach-not-concurrent", sql, { serverVersionNum: 139999 });
    expect(pg13?.severity).toBe("warning");
    expect(recipeSql(pg13)).not.toContain("CONCURRENTLY");
  });

  it("a constant default is free from 11, a rewrite before", async () => {
    const sql = "ALTER TABLE t ADD COLUMN n int NOT NULL DEFAULT 0;";
    expect(await findingsOf("add-column-volatile-default", sql, { serverVersionNum: 110000 })).toEqual([]);
    const [pg10] = await findingsOf("add-column-volatile-default", sql, { serverVersionNum: 100023 });
    expect(pg10).toMatchObject({ severity: "error", work: "rewrite" });
  });

  it("enum ADD VALUE in a transaction: fails before 12, only a note from 12", async () => {
    const sql = "BEGIN; ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok'; COMMIT;";
    expect((await findingsOf("enum-add-value", sql, { serverVersionNum: 110000 }))[0]?.severity).toBe("error");
    expect((await findingsOf("enum-add-value", sql, { serverVersionNum: 120000 }))[0]?.severity).toBe("info");
  });

  it("ATTACH PARTITION locks the parent less from 12", async () => {
    const sql = "ALTER TABLE p ATTACH PARTITION p1 FOR VALUES IN (1);";
    expect((await lintSql(sql, { serverVersionNum: 120000 })).tables).toContainEqual({ name: "p", lock: "SHARE UPDATE EXCLUSIVE" });
    expect((await lintSql(sql, { serverVersionNum: 110000 })).tables).toContainEqual({ name: "p", lock: "ACCESS EXCLUSIVE" });
  });
});

describe("recipes use the statement's own names and text", () => {
  it("FOREIGN KEY: the clause as written, NOT VALID, then VALIDATE", async () => {
    const [f] = await findingsOf("fk-without-not-valid", "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;");
    const sql = recipeSql(f);
    expect(sql).toContain("ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE NOT VALID;");
    expect(sql).toContain("ALTER TABLE orders VALIDATE CONSTRAINT orders_user_fk;");
  });

  it("inline REFERENCES on a new column: add the column, then a named FK NOT VALID", async () => {
    const [f] = await findingsOf("fk-without-not-valid", "ALTER TABLE orders ADD COLUMN user_id bigint NOT NULL REFERENCES users (id) DEFAULT 1;");
    const sql = recipeSql(f);
    expect(sql).toContain("ALTER TABLE orders ADD COLUMN user_id bigint;");
    expect(sql).toContain("ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;");
  });

  it("CHECK: unnamed constraints get PostgreSQL's default name", async () => {
    const [f] = await findingsOf("check-without-not-valid", "ALTER TABLE t ADD CHECK (price > 0);");
    expect(recipeSql(f)).toContain("ALTER TABLE t ADD CONSTRAINT t_check CHECK (price > 0) NOT VALID;");
  });

  it("volatile default: add, SET DEFAULT with the same expression, batched backfill", async () => {
    const [f] = await findingsOf("add-column-volatile-default", "ALTER TABLE t ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();");
    const sql = recipeSql(f);
    expect(sql).toContain("ALTER TABLE t ADD COLUMN token uuid;");
    expect(sql).toContain("ALTER TABLE t ALTER COLUMN token SET DEFAULT gen_random_uuid();");
    expect(sql).toContain("UPDATE t SET token = gen_random_uuid()");
    expect(sql).toContain("LIMIT 5000");
    expect(sql).toContain("NOT NULL token NOT VALID"); // the NOT NULL that was asked for, done safely
  });

  it("type change: expand-contract with a sync trigger and backfill", async () => {
    const [f] = await findingsOf("change-column-type", "ALTER TABLE app.t ALTER COLUMN n TYPE bigint;", { serverVersionNum: 100000 });
    expect(f).toMatchObject({ severity: "error", work: "rewrite" });
    const sql = recipeSql(f);
    expect(sql).toContain("ALTER TABLE app.t ADD COLUMN n_new bigint;");
    expect(sql).toContain("NEW.n_new := NEW.n::bigint;");
    expect(sql).toContain("EXECUTE PROCEDURE app.t_n_new_sync();"); // EXECUTE FUNCTION only from 11
    expect(sql).toContain("UPDATE app.t SET n_new = n::bigint");
    expect(sql).toContain("n_new IS NULL AND n IS NOT NULL");
  });

  it("type change to a binary-compatible type is a warning that says when it is free", async () => {
    const [f] = await findingsOf("change-column-type", "ALTER TABLE t ALTER COLUMN name TYPE varchar(200);");
    expect(f).toMatchObject({ severity: "warning", work: "none" });
    expect(f?.message).toContain("varchar of at most 200 characters");
  });

  it("quotes identifiers that need it", async () => {
    const [f] = await findingsOf("add-column-required", 'ALTER TABLE "Order" ADD COLUMN "select" int NOT NULL;');
    expect(recipeSql(f)).toContain('ALTER TABLE "Order" ADD COLUMN "select" integer;');
  });
});

describe("transactions and file context", () => {
  it("a COMMIT ends the tool's transaction: what follows runs outside it", async () => {
    const sql = "ALTER TABLE t ADD COLUMN c int; COMMIT; CREATE INDEX CONCURRENTLY i ON t (c);";
    expect(await findingsOf("concurrent-in-tx", sql, { assumeInTransaction: true })).toEqual([]);
    expect(await findingsOf("concurrent-in-tx", "CREATE INDEX CONCURRENTLY i ON t (c);", { assumeInTransaction: true })).toHaveLength(1);
  });

  it("SET LOCAL lock_timeout lasts only until the end of its transaction", async () => {
    const sql = "BEGIN; SET LOCAL lock_timeout = '1s'; ALTER TABLE t ADD COLUMN a int; COMMIT; ALTER TABLE t ADD COLUMN b int;";
    const found = await findingsOf("missing-lock-timeout", sql);
    expect(found.map((f) => f.statement)).toEqual([5]);
  });

  it("backfill after DDL in the same transaction names the DDL statement", async () => {
    const [f] = await findingsOf("backfill-in-ddl-tx", "BEGIN;\nALTER TABLE t ADD COLUMN c int;\nUPDATE t SET c = 1 WHERE id < 10;\nCOMMIT;");
    expect(f).toMatchObject({ severity: "error", line: 3, lock: "ACCESS EXCLUSIVE" });
    expect(f?.message).toContain("statement 2");
    expect(recipeSql(f)).toContain("UPDATE t SET c = 1\n WHERE ctid = ANY (ARRAY(\n   SELECT ctid FROM t WHERE (id < 10) AND (c) IS DISTINCT FROM (1) LIMIT 5000");
  });

  it("a batched UPDATE whose values are not constants asks for the 'not done yet' condition", async () => {
    const [f] = await findingsOf("backfill-in-ddl-tx", "UPDATE t SET total = price * qty;");
    expect(recipeSql(f)).toContain("WHERE <row not updated yet> LIMIT 5000");
    expect(f?.recipe?.steps.at(-1)?.text).toContain("or the loop never ends");
  });

  it("sorts findings by statement, then severity", async () => {
    const { findings } = await lintSql("CREATE TABLE a (j json); ALTER TABLE t ADD COLUMN c int NOT NULL; DROP TABLE x;");
    const order = findings.map((f) => [f.statement, f.severity]);
    const sorted = [...order].sort((a, b) => Number(a[0]) - Number(b[0]) || ["error", "warning", "info"].indexOf(String(a[1])) - ["error", "warning", "info"].indexOf(String(b[1])));
    expect(order).toEqual(sorted);
    expect(findings[0]?.statement).toBe(1);
  });

  it("lints a large file in reasonable time", async () => {
    const sql = Array.from({ length: 3000 }, (_, i) => `ALTER TABLE t${i} ADD COLUMN c int NOT NULL; -- ${"x".repeat(200)}`).join("\n");
    expect(sql.length).toBeGreaterThan(700_000);
    const started = Date.now();
    const result = await lintSql(sql);
    expect(result.statementCount).toBe(3000);
    expect(result.findings.filter((f) => f.rule === "add-column-required")).toHaveLength(3000);
    expect(Date.now() - started).toBeLessThan(15_000);
  }, 20_000); // the runner's 5 s default would cut the test's own 15 s limit short on a loaded machine
});
