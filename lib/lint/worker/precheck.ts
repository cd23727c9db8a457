// Cheap checks before any SQL reaches the parser: one linear pass over the text, no parsing.
//
// Why: PostgreSQL's scanner (scan.l, compiled into libpg-query — not our code) is quadratic on
// long runs of operator characters. Its comment-start rule matches `/*` plus every operator
// character after it and then gives back all but two; the operator rule does the same when a
// run holds `/*` or `--` or ends in `+`/`-`. So `/*/*/*…` (800 kB) took 17 minutes and
// `+-+-+-…` grows the same way. Real SQL has short operator runs, shallow comment nesting and a
// bounded number of statements; anything else is refused here with a message that says what
// to change. The worker's time limit (pool.ts) stays the backstop for whatever gets through.
import { MAX_LINT_SQL_CHARS } from "@/lib/schemas/lint";

export const PRECHECK_LIMITS = {
  chars: MAX_LINT_SQL_CHARS,
  /** Nested block comments; real files rarely go past 2. */
  commentDepth: 32,
  /**
   * Outside comments. PostgreSQL operators are at most 63 characters (NAMEDATALEN - 1), and real
   * SQL has a few in a row (`>= -1`); `1 +-+-…+- 1` costs ~1 ms per statement to parse even at 64.
   */
  operatorRun: 64,
  /** Comment openers inside one unbroken run of operator characters (open, open-close repeated). */
  openersInRun: 48,
  statements: 10_000,
};

export interface PrecheckRefusal {
  status: 400 | 413;
  code: string;
  message: string;
}

const IS_OPERATOR = new Uint8Array(128);
for (const ch of "~!@#^&|`?+-*/%<>=") IS_OPERATOR[ch.charCodeAt(0)] = 1;
// \n / * - ' " $ ; \\
const [NL, SLASH, STAR, DASH, QUOTE, DQUOTE, DOLLAR, SEMICOLON, BACKSLASH] = [10, 47, 42, 45, 39, 34, 36, 59, 92];

const fmt = (n: number) => n.toLocaleString("en-US");

/** null when the SQL may be parsed; otherwise why not (HTTP status, code, message). */
export function precheckSql(sql: string, limits = PRECHECK_LIMITS): PrecheckRefusal | null {
  if (sql.length > limits.chars) {
    return {
      status: 413,
      code: "lint_too_large",
      message: `The SQL is ${fmt(sql.length)} characters; the linter takes at most ${fmt(limits.chars)} per request. Lint the file in parts.`,
    };
  }
  let line = 1;
  let depth = 0; // block comment nesting
  let statements = 0;
  let sawToken = false; // something other than whitespace/comments since the last `;`
  let run = 0; // current run of operator characters (code and block comments)
  let openers = 0; // `/*` inside that run
  let runLine = 1;
  const n = sql.length;

  const tooDeep = (): PrecheckRefusal => ({
    status: 400,
    code: "lint_comment_nesting",
    message: `Block comments are nested more than ${limits.commentDepth} deep at line ${line}; the linter refuses deeper nesting (PostgreSQL's scanner slows down quadratically on it). Remove the nested /* */ markers.`,
  });
  const longRun = (): PrecheckRefusal => ({
    status: 400,
    code: "lint_operator_run",
    message:
      openers > limits.openersInRun
        ? `Line ${runLine} has more than ${fmt(limits.openersInRun)} comment markers (/*) in one unbroken run of symbols; the linter refuses this (PostgreSQL's scanner slows down quadratically on it). Separate or remove them.`
        : `Line ${runLine} has a run of more than ${fmt(limits.operatorRun)} operator characters (+ - * / < > = …); PostgreSQL operators are at most 63 characters, and the linter refuses such runs (PostgreSQL's scanner slows down quadratically on them).`,
  });

  // Character codes and a lookup table: this runs on the event loop over up to 1 MB.
  for (let i = 0; i < n; i++) {
    const c = sql.charCodeAt(i);
    const next = sql.charCodeAt(i + 1);
    if (c === NL) line++;
    if (c < 128 && IS_OPERATOR[c] === 1) {
      if (run === 0) runLine = line;
      run++;
      if (c === SLASH && next === STAR) openers++;
      // Inside a comment only openers cost (each rescans the run); a banner of stars or a line of
      // ==== in a comment is matched in one step.
      if ((depth === 0 && run > limits.operatorRun) || openers > limits.openersInRun) return longRun();
    } else {
      run = 0;
      openers = 0;
    }

    if (depth > 0) {
      if (c === SLASH && next === STAR) {
        if (++depth > limits.commentDepth) return tooDeep();
        i++;
        run++;
      } else if (c === STAR && next === SLASH) {
        depth--;
        i++;
        run++;
      }
      continue;
    }
    if (c === SLASH && next === STAR) {
      depth = 1;
      i++;
      run++;
      continue;
    }
    if (c === DASH && next === DASH) {
      // A line comment: skipped to the end of the line (its text is not scanned for operators).
      const eol = sql.indexOf("\n", i);
      i = (eol < 0 ? n : eol) - 1;
      run = 0;
      openers = 0;
      continue;
    }
    if (c === QUOTE || c === DQUOTE) {
      // Backslash escapes only in E'…' strings; doubled quotes everywhere.
      const prev = sql.charCodeAt(i - 1);
      const escapes = c === QUOTE && (prev === 69 || prev === 101) && !isIdentChar(sql.charCodeAt(i - 2));
      const end = skipQuoted(sql, i, c, escapes);
      line += countLines(sql, i, end);
      i = end;
      sawToken = true;
      continue;
    }
    if (c === DOLLAR && !isIdentChar(sql.charCodeAt(i - 1))) {
      const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 65));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        const end = close < 0 ? n : close + tag[0].length;
        line += countLines(sql, i, end);
        i = end - 1;
        sawToken = true;
        continue;
      }
    }
    if (c === SEMICOLON) {
      if (sawToken && ++statements > limits.statements) {
        return {
          status: 413,
          code: "lint_too_many_statements",
          message: `The SQL has more than ${fmt(limits.statements)} statements; the linter takes at most ${fmt(limits.statements)} per request. Lint the file in parts.`,
        };
      }
      sawToken = false;
    } else if (c !== 32 && c !== 9 && c !== NL && c !== 13) {
      sawToken = true;
    }
  }
  return null;
}

/** Index of the closing quote (or the end of the text when it never closes). */
function skipQuoted(sql: string, start: number, quote: number, backslashEscapes: boolean): number {
  for (let i = start + 1; i < sql.length; i++) {
    const c = sql.charCodeAt(i);
    if (backslashEscapes && c === BACKSLASH) {
      i++;
    } else if (c === quote) {
      if (sql.charCodeAt(i + 1) === quote) i++;
      else return i;
    }
  }
  return sql.length;
}

function countLines(sql: string, from: number, to: number): number {
  let lines = 0;
  for (let j = sql.indexOf("\n", from); j >= 0 && j < to; j = sql.indexOf("\n", j + 1)) lines++;
  return lines;
}

/** Letters, digits, _, $ and non-ASCII: what may precede E'…' or $tag$ inside an identifier. */
function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === DOLLAR || c >= 128;
}
