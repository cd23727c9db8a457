// EXPLAIN (FORMAT JSON) read as a DBA reads it (issue 13 item 5): a flat list of nodes in tree
// order with depth, exclusive time, estimated vs actual rows, and the findings worth saying in
// words. Pure (no I/O): the plan viewer renders it and test/unit/explain-plan.test.ts checks it.

type Json = Record<string, unknown>;

export interface PlanNode {
  id: number;
  depth: number;
  nodeType: string;
  /** relation (schema-qualified when EXPLAIN VERBOSE gave it), index, CTE or function scanned */
  relation: string | null;
  index: string | null;
  detail: string | null;
  estRows: number;
  /** per loop, as EXPLAIN reports it; null without ANALYZE (or a node never executed) */
  actualRows: number | null;
  loops: number | null;
  /** time spent in this node alone (its total × loops, minus its children's), ms */
  exclusiveMs: number | null;
  totalMs: number | null;
  /** max(est, actual) / min(est, actual), both at least 1; null without ANALYZE */
  misestimate: number | null;
  sharedHit: number | null;
  sharedRead: number | null;
  tempBlocks: number | null;
  removedByFilter: number | null;
}

export interface Finding {
  nodeId: number;
  severity: "warn" | "info";
  text: string;
}

export interface ReadPlan {
  nodes: PlanNode[];
  findings: Finding[];
  planningMs: number | null;
  executionMs: number | null;
  analyzed: boolean;
}

/** A misestimate this large is highlighted (the issue's "× 10"). */
export const MISESTIMATE_FACTOR = 10;
const LARGE_SCAN_ROWS = 10_000;

const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" && v ? v : null);

function relationOf(p: Json): string | null {
  const rel = str(p["Relation Name"]);
  if (rel) return str(p["Schema"]) ? `${p["Schema"]}.${rel}` : rel;
  return str(p["CTE Name"]) ?? str(p["Function Name"]) ?? null;
}

function detailOf(p: Json): string | null {
  const parts = [p["Join Type"] && `${p["Join Type"]} join`, p["Index Cond"] && `cond ${p["Index Cond"]}`, p["Hash Cond"] && `hash ${p["Hash Cond"]}`, p["Filter"] && `filter ${p["Filter"]}`, p["Sort Key"] && `sort ${(p["Sort Key"] as string[]).join(", ")}`];
  const s = parts.filter(Boolean).join(" · ");
  return s || null;
}

/** Reads EXPLAIN's JSON document ([{ Plan, Planning Time, Execution Time }]). */
export function readPlan(doc: unknown): ReadPlan {
  const top = (Array.isArray(doc) ? doc[0] : doc) as Json | undefined;
  const root = top?.Plan as Json | undefined;
  const nodes: PlanNode[] = [];
  const findings: Finding[] = [];
  const raw: Json[] = [];
  const visit = (p: Json, depth: number) => {
    const id = nodes.length;
    const loops = num(p["Actual Loops"]);
    const actual = num(p["Actual Rows"]);
    const total = num(p["Actual Total Time"]);
    const est = num(p["Plan Rows"]) ?? 0;
    const node: PlanNode = {
      id,
      depth,
      nodeType: str(p["Node Type"]) ?? "?",
      relation: relationOf(p),
      index: str(p["Index Name"]),
      detail: detailOf(p),
      estRows: est,
      actualRows: actual,
      loops,
      exclusiveMs: null,
      totalMs: total !== null && loops !== null ? total * loops : null,
      misestimate: actual !== null && loops ? Math.max(est, actual, 1) / Math.max(Math.min(est, actual), 1) : null,
      sharedHit: num(p["Shared Hit Blocks"]),
      sharedRead: num(p["Shared Read Blocks"]),
      tempBlocks: num(p["Temp Read Blocks"]) !== null || num(p["Temp Written Blocks"]) !== null ? (num(p["Temp Read Blocks"]) ?? 0) + (num(p["Temp Written Blocks"]) ?? 0) : null,
      removedByFilter: num(p["Rows Removed by Filter"]),
    };
    nodes.push(node);
    raw.push(p);
    const children = (p.Plans as Json[] | undefined) ?? [];
    const childIds = children.map((c) => visit(c, depth + 1));
    if (node.totalMs !== null) {
      const inChildren = childIds.reduce((a, c) => a + (nodes[c]!.totalMs ?? 0), 0);
      node.exclusiveMs = Math.max(0, node.totalMs - inChildren);
    }
    return id;
  };
  if (root) visit(root, 0);
  const analyzed = nodes.some((n) => n.actualRows !== null);
  for (const n of nodes) findings.push(...findingsOf(n, raw[n.id]!, nodes));
  return {
    nodes,
    findings: findings.sort((a, b) => (a.severity === b.severity ? (nodes[b.nodeId]!.exclusiveMs ?? 0) - (nodes[a.nodeId]!.exclusiveMs ?? 0) : a.severity === "warn" ? -1 : 1)).slice(0, 5),
    planningMs: num(top?.["Planning Time"]),
    executionMs: num(top?.["Execution Time"]),
    analyzed,
  };
}

function childrenOf(n: PlanNode, nodes: PlanNode[]): PlanNode[] {
  const out: PlanNode[] = [];
  for (let i = n.id + 1; i < nodes.length && nodes[i]!.depth > n.depth; i++) if (nodes[i]!.depth === n.depth + 1) out.push(nodes[i]!);
  return out;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

function findingsOf(n: PlanNode, p: Json, nodes: PlanNode[]): Finding[] {
  const out: Finding[] = [];
  const loops = n.loops ?? 1;
  if (n.nodeType === "Seq Scan" && n.actualRows !== null && n.removedByFilter !== null) {
    const kept = n.actualRows * loops;
    const removed = n.removedByFilter * loops;
    if (removed >= LARGE_SCAN_ROWS && removed / (removed + kept) >= 0.9) {
      out.push({
        nodeId: n.id,
        severity: "warn",
        text: `Sequential scan on ${n.relation} read ${fmt(removed + kept)} rows to keep ${fmt(kept)} (${Math.round((100 * removed) / (removed + kept))} % removed by its filter${p["Filter"] ? `: ${p["Filter"]}` : ""}). An index on the filtered columns would avoid reading the whole table.`,
      });
    }
  }
  if (p["Sort Space Type"] === "Disk") {
    out.push({ nodeId: n.id, severity: "warn", text: `Sort spilled to disk (${fmt(num(p["Sort Space Used"]) ?? 0)} kB, ${p["Sort Method"] ?? "external"}): work_mem is too small for it; raise work_mem for this query or sort fewer rows.` });
  }
  const batches = num(p["Hash Batches"]);
  if (n.nodeType === "Hash" && batches !== null && batches > 1) {
    out.push({ nodeId: n.id, severity: "warn", text: `Hash spilled to disk in ${fmt(batches)} batches (work_mem too small for the ${fmt((n.actualRows ?? n.estRows) * loops)} rows hashed).` });
  }
  if (n.nodeType === "Nested Loop") {
    const outer = childrenOf(n, nodes)[0];
    if (outer?.actualRows != null && outer.misestimate !== null && outer.misestimate >= MISESTIMATE_FACTOR && outer.actualRows > outer.estRows) {
      out.push({
        nodeId: n.id,
        severity: "warn",
        text: `Nested loop driven by a misestimate: the planner expected ${fmt(outer.estRows)} rows from ${outer.relation ?? outer.nodeType} but got ${fmt(outer.actualRows * (outer.loops ?? 1))}, so the inner side ran that many times. ANALYZE the table (or add extended statistics) so it can choose a hash or merge join.`,
      });
    }
  } else if (n.misestimate !== null && n.misestimate >= MISESTIMATE_FACTOR && (n.actualRows ?? 0) * loops >= 1_000) {
    out.push({ nodeId: n.id, severity: "info", text: `${n.nodeType}${n.relation ? ` on ${n.relation}` : ""}: estimated ${fmt(n.estRows)} rows, got ${fmt(n.actualRows!)} (× ${fmt(n.misestimate)} off).` });
  }
  return out;
}

/** A text rendering of the tree (for copying an ANALYZE result, where EXPLAIN ran only once, as JSON). */
export function planText(plan: ReadPlan): string {
  const lines = plan.nodes.map((n) => {
    const pad = "  ".repeat(n.depth) + (n.depth ? "->  " : "");
    const what = `${n.nodeType}${n.index ? ` using ${n.index}` : ""}${n.relation ? ` on ${n.relation}` : ""}`;
    const actual = n.actualRows !== null ? ` (actual rows=${n.actualRows} loops=${n.loops}, ${n.exclusiveMs?.toFixed(3)} ms self)` : "";
    return `${pad}${what}  (rows=${n.estRows})${actual}${n.detail ? `\n${"  ".repeat(n.depth + 2)}${n.detail}` : ""}`;
  });
  if (plan.planningMs !== null) lines.push(`Planning Time: ${plan.planningMs.toFixed(3)} ms`);
  if (plan.executionMs !== null) lines.push(`Execution Time: ${plan.executionMs.toFixed(3)} ms`);
  return lines.join("\n");
}
