// Building the SQL of safe recipes from the parsed statement: identifiers quoted the way
// PostgreSQL needs, types printed back from the AST, and expressions copied from the source
// text by lexer-token spans (so they read exactly as the author wrote them).
import { scanSync, type TypeName } from "libpg-query";
import type { TableRef } from "@/lib/schemas/lint";
import { as, strings, typmods } from "./ast";
import type { Statement, Token } from "./parse";

function isPlainIdentifier(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name[i] ?? "";
    const lower = c >= "a" && c <= "z";
    const ok = lower || c === "_" || (i > 0 && ((c >= "0" && c <= "9") || c === "$"));
    if (!ok) return false;
  }
  return true;
}

/** Quotes an identifier when PostgreSQL would otherwise fold, reject or misread it. */
export function ident(name: string): string {
  if (isPlainIdentifier(name)) {
    const [token] = scanSync(name).tokens ?? [];
    // Unreserved keywords (kind 1) are valid bare identifiers everywhere.
    if (token && token.keywordKind <= 1) return name;
  }
  return `"${name.split('"').join('""')}"`;
}

export function qualified(ref: TableRef): string {
  return ref.schema ? `${ident(ref.schema)}.${ident(ref.name)}` : ident(ref.name);
}

/** A SQL string literal. */
export function literal(value: string): string {
  return `'${value.split("'").join("''")}'`;
}

const CATALOG_TYPES: Record<string, string> = {
  int2: "smallint",
  int4: "integer",
  int8: "bigint",
  float4: "real",
  float8: "double precision",
  bool: "boolean",
  bpchar: "char",
};

/** TypeName back to SQL, e.g. {pg_catalog.varchar, [20]} → "varchar(20)". */
export function formatType(tn: TypeName | undefined): string {
  const names = strings(tn?.names);
  if (names.length === 0) return "text";
  const catalog = names.length === 2 && names[0] === "pg_catalog";
  const last = names[names.length - 1] ?? "";
  let out = catalog ? (CATALOG_TYPES[last] ?? last) : names.map(ident).join(".");
  const mods = typmods(tn);
  // interval's typmods are field bitmasks, not numbers a person writes.
  if (mods.length > 0 && last !== "interval") out += `(${mods.join(",")})`;
  for (const b of tn?.arrayBounds ?? []) {
    const n = as(b, "Integer")?.ival ?? -1;
    out += n >= 0 ? `[${n}]` : "[]";
  }
  return out;
}

/**
 * The text of the parenthesised expression that follows the first `keyword` token at or after
 * `fromUnit`, without the outer parentheses: CHECK (…), EXCLUDE (…).
 */
export function parenthesizedAfter(stmt: Statement, source: string, keyword: string, fromUnit: number): string | undefined {
  const tokens = stmt.tokens();
  const k = tokens.findIndex((t) => t.start >= fromUnit && t.text.toLowerCase() === keyword);
  if (k < 0 || tokens[k + 1]?.text !== "(") return undefined;
  let depth = 0;
  for (let i = k + 1; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) break;
    if (t.text === "(") depth++;
    else if (t.text === ")" && --depth === 0) {
      const first = tokens[k + 2];
      const last = tokens[i - 1];
      return first && last && i - 1 >= k + 2 ? source.slice(first.start, last.end) : "";
    }
  }
  return undefined;
}

/**
 * Tokens from index `k` on, up to the next top-level comma, the end of the statement, or
 * `stopUnit`: the extent of one expression or clause, as [start, end) UTF-16 indices.
 */
function extentFrom(tokens: Token[], k: number, stopUnit: number): { start: number; end: number } | undefined {
  let depth = 0;
  let start: number | undefined;
  let end = 0;
  for (let i = k; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t || t.start >= stopUnit) break;
    if (t.kind === "SQL_COMMENT" || t.kind === "C_COMMENT") continue;
    if (t.text === "(" || t.text === "[") depth++;
    else if (t.text === ")" || t.text === "]") depth--;
    else if (depth === 0 && (t.text === "," || t.text === ";")) break;
    if (depth < 0) break;
    start ??= t.start;
    end = t.end;
  }
  return start === undefined ? undefined : { start, end };
}

/**
 * The expression after the keyword token at `fromUnit` (e.g. DEFAULT, USING): up to the next
 * top-level comma, the end of the statement, or `stopUnit` (where the next constraint starts).
 */
export function expressionAfter(stmt: Statement, source: string, fromUnit: number, stopUnit = Infinity): string | undefined {
  const tokens = stmt.tokens();
  const k = tokens.findIndex((t) => t.start >= fromUnit);
  const extent = k < 0 ? undefined : extentFrom(tokens, k + 1, stopUnit);
  return extent && source.slice(extent.start, extent.end);
}

/** One clause as written, starting at the token at `fromUnit` (e.g. CONSTRAINT … inside ALTER TABLE … ADD). */
export function clauseText(stmt: Statement, source: string, fromUnit: number, stopUnit = Infinity): string | undefined {
  const tokens = stmt.tokens();
  const k = tokens.findIndex((t) => t.start >= fromUnit);
  const extent = k < 0 ? undefined : extentFrom(tokens, k, stopUnit);
  return extent && source.slice(extent.start, extent.end);
}

/** The statement's text with `word` inserted after the first `after` keyword token. */
export function insertAfterKeyword(stmt: Statement, source: string, after: string, word: string): string | undefined {
  const t = stmt.tokens().find((tok) => tok.text.toLowerCase() === after);
  if (!t) return undefined;
  return `${source.slice(stmt.start, t.end)} ${word}${source.slice(t.end, stmt.end)}`;
}

/** lock_timeout to put before DDL in recipes (pgroll uses 500 ms; a few seconds is common). */
export const LOCK_TIMEOUT_SQL = "SET lock_timeout = '2s';";
export const LOCAL_LOCK_TIMEOUT_SQL = "SET LOCAL lock_timeout = '2s';";

