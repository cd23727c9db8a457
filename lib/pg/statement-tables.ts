import "server-only";
import { parseSync } from "libpg-query";
import { precheckSql } from "@/lib/lint/worker/precheck";
import { loadSqlParser } from "./redact";

// What the parse tree of a statement text says (libpg-query, PostgreSQL's own parser): the
// relations it reads, its parameters, and whether it is one plain SELECT (EXPLAIN ANALYZE).
// Texts here are pg_stat_statements' (≤ 16 kB as stored) and pass the lint's cheap pre-checks
// first, so a pathological text cannot hold the event loop (issue 8 item 2); parsing a statement
// of that size in-process takes well under a millisecond.

/** Longer texts are not parsed in-process (the parts of the page that need the tree say so). */
export const MAX_PARSE_CHARS = 20_000;

type Node = unknown;

function parse(text: string): { stmts?: { stmt?: Node }[] } | null {
  if (text.length > MAX_PARSE_CHARS || precheckSql(text)) return null;
  try {
    return parseSync(text);
  } catch {
    return null;
  }
}

function walk(node: Node, visit: (key: string, value: Record<string, unknown>) => void) {
  if (Array.isArray(node)) {
    for (const n of node) walk(n, visit);
  } else if (node && typeof node === "object") {
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) {
      if (v && typeof v === "object" && !Array.isArray(v)) visit(k, v as Record<string, unknown>);
      walk(v, visit);
    }
  }
}

/** Relations named in FROM/JOIN (CTE names excluded), in order of appearance, without repeats. */
export async function statementTables(text: string): Promise<{ schema: string | null; name: string }[]> {
  await loadSqlParser();
  const tree = parse(text);
  if (!tree) return [];
  const ctes = new Set<string>();
  walk(tree, (k, v) => {
    if (k === "CommonTableExpr" && typeof v.ctename === "string") ctes.add(v.ctename);
  });
  const out = new Map<string, { schema: string | null; name: string }>();
  walk(tree, (k, v) => {
    if (k !== "RangeVar" || typeof v.relname !== "string") return;
    const schema = typeof v.schemaname === "string" ? v.schemaname : null;
    if (!schema && ctes.has(v.relname)) return;
    out.set(`${schema ?? ""}.${v.relname}`, { schema, name: v.relname });
  });
  return [...out.values()];
}

/** The highest $n the text uses (pg_stat_statements replaced its constants with them). */
export async function statementParams(text: string): Promise<number> {
  await loadSqlParser();
  const tree = parse(text);
  let max = 0;
  if (tree) {
    walk(tree, (k, v) => {
      if (k === "ParamRef" && typeof v.number === "number") max = Math.max(max, v.number);
    });
  }
  return max;
}

const WRITES = new Set(["InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt"]);

/**
 * null when the text is exactly one SELECT that writes nothing itself; otherwise why not. Writes
 * hidden in functions it calls cannot be seen here: EXPLAIN ANALYZE also runs in BEGIN READ ONLY,
 * where they fail (see lib/pg/explain.ts).
 */
export async function whyNotPlainSelect(text: string): Promise<string | null> {
  await loadSqlParser();
  const tree = parse(text);
  if (!tree) return "the statement could not be parsed (or is too long to check), so it is not run";
  const stmts = tree.stmts ?? [];
  if (stmts.length !== 1) return `it holds ${stmts.length} statements; EXPLAIN ANALYZE runs only one SELECT`;
  const stmt = stmts[0]!.stmt as Record<string, unknown> | undefined;
  const kind = stmt ? Object.keys(stmt)[0] : undefined;
  if (kind !== "SelectStmt") return `it is ${kind ? kind.replace(/Stmt$/, "").toUpperCase() : "not a statement"}, not a SELECT`;
  let problem: string | null = null;
  walk(stmt, (k) => {
    if (problem) return;
    if (WRITES.has(k)) problem = `it contains ${k.replace(/Stmt$/, "").toUpperCase()} (a data-modifying WITH clause)`;
    else if (k === "intoClause") problem = "it is SELECT INTO (it creates a table)";
    else if (k === "LockingClause") problem = "it locks rows (FOR UPDATE/SHARE)";
  });
  return problem;
}
