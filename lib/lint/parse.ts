// Parsing with PostgreSQL's own parser (libpg_query compiled to WASM): statements are split by
// the parser's stmt_location/stmt_len, never by searching the text for semicolons.
import { loadModule, parseSync, scanSync, hasSqlDetails, type Node, type RawStmt } from "libpg-query";
import { Source } from "./source";

let ready: Promise<void> | undefined;

/** Loads the WASM module once per process; parseSync/scanSync throw before that. */
export function ensureParser(): Promise<void> {
  ready ??= loadModule().catch((err) => {
    ready = undefined;
    throw err;
  });
  return ready;
}

export interface Token {
  /** UTF-16 indices into the whole file. */
  start: number;
  end: number;
  text: string;
  /** libpg_query token name, e.g. IDENT, SCONST, ASCII_40 ("("), SQL_COMMENT. */
  kind: string;
  /** 0 = not a keyword, 1 unreserved, 2 column name, 3 type/function name, 4 reserved. */
  keywordKind: number;
}

export interface Statement {
  /** 1-based position in the file. */
  index: number;
  node: Node;
  /** UTF-16 indices into the whole file (the terminating semicolon is not included). */
  start: number;
  end: number;
  text: string;
  line: number;
  column: number;
  /** Lexer tokens of this statement, computed on first use. */
  tokens(): Token[];
}

export interface ParsedFile {
  source: Source;
  statements: Statement[];
}

export interface ParseFailure {
  message: string;
  /** UTF-16 index of the error, and its 1-based line/column. */
  offset: number;
  line: number;
  column: number;
  /** 1-based statement the error falls in (counted by the lexer's semicolons). */
  statement: number;
}

export interface ParseOutcome {
  source: Source;
  /** Every statement when the file parses; otherwise the statements before the one that fails. */
  statements: Statement[];
  error?: ParseFailure;
}

export async function parseSql(sql: string): Promise<ParseOutcome> {
  await ensureParser();
  const source = new Source(sql);
  try {
    return { source, statements: statementsOf(source, parseSync(sql).stmts ?? []) };
  } catch (err) {
    // The parser refuses input with no statement at all ("Query cannot be empty"); that is a clean file.
    if (isBlank(sql)) return { source, statements: [] };
    const failure = parseFailure(source, err);
    // What comes before the failing statement is still worth checking: parse up to the last
    // top-level semicolon before the error (the lexer knows strings, comments, dollar quotes).
    const cut = lastSemicolonBefore(source, failure.offset);
    let statements: Statement[] = [];
    if (cut > 0) {
      try {
        statements = statementsOf(source, parseSync(sql.slice(0, cut)).stmts ?? [], cut);
      } catch {
        statements = []; // e.g. a semicolon inside BEGIN ATOMIC … END: give up on the prefix
      }
    }
    return { source, statements, error: { ...failure, statement: statements.length > 0 ? statements.length + 1 : failure.statement } };
  }
}

function statementsOf(source: Source, stmts: RawStmt[], limitUnits = source.text.length): Statement[] {
  const sql = source.text;
  const statements: Statement[] = [];
  const totalBytes = Buffer.byteLength(sql.slice(0, limitUnits), "utf8");
  for (const raw of stmts) {
    if (!raw.stmt) continue;
    // Both fields are left out when zero; a zero length means "to the end of the input".
    const byteStart = raw.stmt_location ?? 0;
    const byteEnd = raw.stmt_len ? byteStart + raw.stmt_len : totalBytes;
    const start = source.fromByte(byteStart);
    const end = source.fromByte(byteEnd);
    const { line, column } = source.position(start);
    let tokens: Token[] | undefined;
    statements.push({
      index: statements.length + 1,
      node: raw.stmt,
      start,
      end,
      text: sql.slice(start, end),
      line,
      column,
      tokens: () => (tokens ??= scanStatement(source, byteStart, sql.slice(start, end))),
    });
  }
  return statements;
}

/** UTF-16 index just after the last top-level `;` before `offset` (0 when there is none). */
function lastSemicolonBefore(source: Source, offset: number): number {
  let tokens: ReturnType<typeof scanSync>["tokens"];
  try {
    // Only the text before the error: an unterminated quote after it would fail the lexer.
    tokens = scanSync(source.text.slice(0, offset)).tokens;
  } catch {
    return 0;
  }
  let cut = 0;
  for (const t of tokens ?? []) if (t.text === ";") cut = source.fromByte(t.end);
  return cut;
}

function scanStatement(source: Source, byteStart: number, text: string): Token[] {
  try {
    return (scanSync(text).tokens ?? []).map((t) => ({
      start: source.fromByte(byteStart + t.start),
      end: source.fromByte(byteStart + t.end),
      text: t.text,
      kind: t.tokenName,
      keywordKind: t.keywordKind,
    }));
  } catch {
    return []; // the parser accepted it, so this does not happen; recipes then fall back to generic text
  }
}

function isBlank(sql: string): boolean {
  if (sql.trim() === "") return true;
  try {
    return (scanSync(sql).tokens ?? []).every((t) => t.tokenName === "SQL_COMMENT" || t.tokenName === "C_COMMENT");
  } catch {
    return false;
  }
}

function parseFailure(source: Source, err: unknown): ParseFailure {
  const message = err instanceof Error ? err.message : String(err);
  // cursorPosition counts characters from 0 (PostgreSQL's cursorpos minus one).
  const cursor = hasSqlDetails(err) ? (err.sqlDetails?.cursorPosition ?? 0) : 0;
  const offset = source.fromCodePoint(Math.max(0, cursor));
  const { line, column } = source.position(offset);
  return { message, offset, line, column, statement: statementAt(source.text, offset) };
}

/** Which statement an offset falls in, counting the lexer's top-level semicolons before it. */
function statementAt(text: string, offset: number): number {
  let tokens: ReturnType<typeof scanSync>["tokens"];
  try {
    tokens = scanSync(text).tokens;
  } catch {
    return 1; // an unterminated quote or comment: the lexer fails too
  }
  const source = new Source(text);
  let n = 1;
  let sawToken = false;
  for (const t of tokens ?? []) {
    if (source.fromByte(t.start) >= offset) break;
    if (t.text === ";") {
      if (sawToken) n++;
      sawToken = false;
    } else if (t.tokenName !== "SQL_COMMENT" && t.tokenName !== "C_COMMENT") sawToken = true;
  }
  return n;
}

/** The first token at or after `from` (UTF-16) whose lower-cased text is `word`. */
export function findToken(tokens: Token[], word: string, from = 0): Token | undefined {
  return tokens.find((t) => t.start >= from && t.text.toLowerCase() === word);
}
