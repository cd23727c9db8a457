// SQL the linter cannot see: the body of a DO block (PL/pgSQL, often EXECUTE of built strings)
// and procedures run by CALL. Saying so beats a clean report that looks like a checked file.
import { scanSync } from "libpg-query";
import { as } from "../ast";
import type { Rule } from "./rule";

const STATEMENT_WORDS = new Set(["alter", "create", "drop", "update", "delete", "insert", "truncate", "vacuum", "reindex", "cluster", "lock", "execute", "refresh", "comment", "grant"]);
const AFTER = new Set([";", "begin", "then", "else", "loop"]);

/** "ALTER TABLE, UPDATE, EXECUTE": the kinds of statement a PL/pgSQL body runs, in order of appearance. */
export function statementKinds(body: string): string[] {
  let tokens: { text: string; tokenName: string }[];
  try {
    tokens = (scanSync(body).tokens ?? []).filter((t) => t.tokenName !== "SQL_COMMENT" && t.tokenName !== "C_COMMENT");
  } catch {
    return [];
  }
  const kinds: string[] = [];
  tokens.forEach((t, i) => {
    const word = t.text.toLowerCase();
    const prev = tokens[i - 1]?.text.toLowerCase();
    if (!STATEMENT_WORDS.has(word) || (prev !== undefined && !AFTER.has(prev))) return;
    let kind = word.toUpperCase();
    if (word === "alter" || word === "create" || word === "drop") {
      const next = (tokens[i + 1]?.text ?? "").toUpperCase();
      kind += next === "UNIQUE" ? " UNIQUE INDEX" : next ? ` ${next}` : "";
    }
    if (!kinds.includes(kind)) kinds.push(kind);
  });
  return kinds;
}

const dynamicSql: Rule = {
  id: "dynamic-sql",
  title: "DO blocks and CALL run SQL the linter cannot see",
  check(ctx) {
    const doStmt = as(ctx.stmt.node, "DoStmt");
    const call = as(ctx.stmt.node, "CallStmt");
    if (!doStmt && !call) return;
    const body = (doStmt?.args ?? []).map((a) => as(a, "DefElem")).find((d) => d?.defname === "as");
    const kinds = doStmt ? statementKinds(as(body?.arg, "String")?.sval ?? "") : [];
    ctx.report({
      message: doStmt ? `DO block not analyzed: dynamic SQL${kinds.length ? ` (it runs ${kinds.join(", ")})` : ""}` : "CALL not analyzed: the procedure's statements are not visible here",
      lock: null,
      work: "none",
      tables: [],
      why: "The linter reads the migration's own statements. What a DO block or a procedure runs is code, often strings built at run time and passed to EXECUTE: its locks, rewrites and scans are not checked, so a clean report says nothing about it.",
      recipe: {
        summary: "Prefer plain SQL statements in migrations; review what the block runs by hand.",
        steps: [
          { text: "Where the SQL is static, write it as ordinary statements so the linter (and the reviewer) can check it." },
          { text: "Where it must be dynamic (e.g. one statement per partition), lint one generated statement by pasting it, and set lock_timeout inside the block." },
        ],
      },
    });
  },
};

export const dynamicRules: Rule[] = [dynamicSql];
