import { describe, expect, it } from "vitest";
import { lintSql } from "@/lib/lint";
import { findingsOf } from "./helpers";

// Issue 15, "Misses and under-reports": statements that were not flagged at all.
describe("statements that were not flagged", () => {
  it("ALTER COLUMN … SET EXPRESSION AS rewrites a stored generated column (17+)", async () => {
    const sql = "ALTER TABLE public.t ALTER COLUMN total SET EXPRESSION AS (price * qty);";
    expect((await findingsOf("table-rewrite", sql, { serverVersionNum: 170004 }))[0]).toMatchObject({ severity: "error", work: "rewrite", lock: "ACCESS EXCLUSIVE" });
    // On 18 a generated column is VIRTUAL by default, and a virtual one is not rewritten.
    expect((await findingsOf("table-rewrite", sql))[0]).toMatchObject({ severity: "warning", message: expect.stringContaining("if the column is STORED") });
    const facts = (generated: "stored" | "virtual") => ({ facts: { columns: [{ table: { schema: "public", name: "t" }, column: "total", type: { name: "numeric", typmod: -1, array: false }, notNull: false, indexes: 0, checks: 0, generated }] } });
    expect((await findingsOf("table-rewrite", sql, facts("stored")))[0]?.severity).toBe("error");
    expect(await findingsOf("table-rewrite", sql, facts("virtual"))).toEqual([]);
  });

  it("ALTER TABLE ALL IN TABLESPACE moves every table under ACCESS EXCLUSIVE", async () => {
    const [f] = await findingsOf("table-rewrite", "ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE fast;");
    expect(f).toMatchObject({ severity: "error", work: "rewrite", message: "ALTER TABLE ALL IN TABLESPACE pg_default SET TABLESPACE fast rewrites the table" });
  });

  it("DROP TRIGGER locks its table ACCESS EXCLUSIVE", async () => {
    const result = await lintSql("DROP TRIGGER orders_audit ON public.orders;");
    expect(result.tables).toEqual([{ schema: "public", name: "orders", lock: "ACCESS EXCLUSIVE" }]);
    expect(result.findings.map((f) => f.rule)).toContain("missing-lock-timeout");
  });

  it("CREATE TABLE … REFERENCES locks the referenced table SHARE ROW EXCLUSIVE", async () => {
    const result = await lintSql("CREATE TABLE public.items (id bigint, order_id bigint REFERENCES public.orders (id), sku text, FOREIGN KEY (sku) REFERENCES public.products (sku));");
    expect(result.tables).toEqual([
      { schema: "public", name: "orders", lock: "SHARE ROW EXCLUSIVE" },
      { schema: "public", name: "products", lock: "SHARE ROW EXCLUSIVE" },
    ]);
    expect(result.findings.find((f) => f.rule === "missing-lock-timeout")?.tables).toEqual([
      { schema: "public", name: "orders" },
      { schema: "public", name: "products" },
    ]);
  });
});
