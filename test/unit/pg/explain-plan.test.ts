import { describe, expect, test } from "vitest";
import { planText, readPlan } from "@/lib/explain/plan";

// Shapes as EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) writes them.
const analyzed = [
  {
    Plan: {
      "Node Type": "Nested Loop", "Join Type": "Inner", "Plan Rows": 1, "Actual Rows": 5000, "Actual Loops": 1, "Actual Total Time": 120,
      Plans: [
        { "Node Type": "Seq Scan", "Relation Name": "orders", Schema: "public", "Plan Rows": 1, "Actual Rows": 5000, "Actual Loops": 1,
          "Actual Total Time": 40, "Rows Removed by Filter": 995000, Filter: "(status = 'open'::text)", "Shared Hit Blocks": 10, "Shared Read Blocks": 900 },
        { "Node Type": "Index Scan", "Relation Name": "customers", "Index Name": "customers_pkey", "Plan Rows": 1, "Actual Rows": 1, "Actual Loops": 5000, "Actual Total Time": 0.01 },
      ],
    },
    "Planning Time": 0.5,
    "Execution Time": 121,
  },
];

describe("plan reading", () => {
  test("a tree in order with depth, self time and misestimates", () => {
    const p = readPlan(analyzed);
    expect(p.nodes.map((n) => [n.depth, n.nodeType])).toEqual([[0, "Nested Loop"], [1, "Seq Scan"], [1, "Index Scan"]]);
    expect(p.nodes[0]!.exclusiveMs).toBeCloseTo(120 - 40 - 50, 5);
    expect(p.nodes[1]!.relation).toBe("public.orders");
    expect(p.nodes[1]!.misestimate).toBe(5000);
    expect(p.nodes[2]!.misestimate).toBe(1);
    expect(p.analyzed).toBe(true);
    expect(p.executionMs).toBe(121);
  });

  test("findings: a seq scan removing most rows, and a nested loop driven by a misestimate", () => {
    const texts = readPlan(analyzed).findings.map((f) => f.text).join("\n");
    expect(texts).toMatch(/Sequential scan on public\.orders read 1,000,000 rows to keep 5,000 \(100 % removed/);
    expect(texts).toMatch(/Nested loop driven by a misestimate: the planner expected 1 rows from public\.orders but got 5,000/);
  });

  test("spills: a sort on disk and a hash in batches", () => {
    const p = readPlan([{ Plan: { "Node Type": "Sort", "Plan Rows": 10, "Actual Rows": 10, "Actual Loops": 1, "Actual Total Time": 5, "Sort Space Type": "Disk", "Sort Space Used": 2048, "Sort Method": "external merge",
      Plans: [{ "Node Type": "Hash", "Plan Rows": 10, "Actual Rows": 10, "Actual Loops": 1, "Actual Total Time": 1, "Hash Batches": 4 }] } }]);
    const texts = p.findings.map((f) => f.text).join("\n");
    expect(texts).toMatch(/Sort spilled to disk \(2,048 kB, external merge\)/);
    expect(texts).toMatch(/Hash spilled to disk in 4 batches/);
  });

  test("a plan without ANALYZE has estimates only and no findings about actual rows", () => {
    const p = readPlan([{ Plan: { "Node Type": "Seq Scan", "Relation Name": "t", "Plan Rows": 100 } }]);
    expect(p.analyzed).toBe(false);
    expect(p.nodes[0]!.actualRows).toBeNull();
    expect(p.findings).toEqual([]);
    expect(planText(p)).toContain("Seq Scan on t  (rows=100)");
  });
});
