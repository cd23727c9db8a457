// Comments addressed to the linter:
//   -- pgwarden-lint-ignore RULE[, RULE…]: reason        on (above, inside or after) one statement
//   -- pgwarden-lint-assume-validated-check TABLE.COLUMN[, …][: note]  anywhere: a fact from an earlier migration
// An ignore needs a reason: the exception is reviewed like code and printed in --json.
import { scanSync } from "libpg-query";
import type { TableRef } from "@/lib/schemas/lint";
import type { Statement } from "./parse";
import type { Source } from "./source";

export interface IgnoreDirective {
  rules: string[];
  /** Empty when the comment gave none (then it does not apply). */
  reason: string;
  line: number;
  column: number;
  /** The statement it applies to (1-based), if there is one. */
  statement?: number;
}

export interface AssumedCheck {
  table: TableRef;
  column: string;
  line: number;
}

export interface Directives {
  ignores: IgnoreDirective[];
  assumedChecks: AssumedCheck[];
  /** Notes the linter could not read (a malformed assume). */
  malformed: { line: number; column: number; message: string }[];
}

const IGNORE = /^pgwarden-lint-ignore\b\s*([^:]*?)\s*(?::\s*([\s\S]*?))?\s*$/;
const ASSUME = /^pgwarden-lint-assume-validated-check\b\s*([^:]*?)\s*(?::[\s\S]*)?$/;

/** `users.email`, `public.users.email`, `"Users"."E-mail"` → table and column (names fold to lower case unless quoted). */
export function parseColumnRef(text: string): { table: TableRef; column: string } | undefined {
  const parts: string[] = [];
  let i = 0;
  const t = text.trim();
  while (i < t.length) {
    if (t[i] === '"') {
      let name = "";
      i++;
      for (; i < t.length; i++) {
        if (t[i] === '"' && t[i + 1] === '"') name += t[++i];
        else if (t[i] === '"') break;
        else name += t[i];
      }
      if (t[i] !== '"') return undefined;
      parts.push(name);
      i++;
    } else {
      const m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(t.slice(i));
      if (!m) return undefined;
      parts.push(m[0].toLowerCase());
      i += m[0].length;
    }
    if (i === t.length) break;
    if (t[i] !== ".") return undefined;
    i++;
  }
  const [a, b, c] = parts;
  if (!a || !b || parts.length > 3) return undefined;
  return c ? { table: { schema: a, name: b }, column: c } : { table: { name: a }, column: b };
}

/** The statement a comment at [start, end) belongs to: the one it is in, ends on its line before it, or the next one. */
function statementFor(source: Source, statements: Statement[], start: number): number | undefined {
  const line = source.position(start).line;
  let next: Statement | undefined;
  for (const s of statements) {
    if (start >= s.start && start < s.end) return s.index;
    if (s.end <= start && source.position(s.end).line === line) return s.index;
    if (s.start >= start) {
      next = s;
      break;
    }
  }
  return next?.index;
}

function commentBody(text: string): string {
  return text.startsWith("--") ? text.slice(2).trim() : text.replace(/^\/\*+/, "").replace(/\*+\/$/, "").trim();
}

export function readDirectives(source: Source, statements: Statement[], scanUpTo = source.text.length): Directives {
  const out: Directives = { ignores: [], assumedChecks: [], malformed: [] };
  const text = source.text.slice(0, scanUpTo);
  if (!text.includes("pgwarden-lint")) return out;
  let tokens: ReturnType<typeof scanSync>["tokens"];
  try {
    tokens = scanSync(text).tokens ?? [];
  } catch {
    return out;
  }
  for (const t of tokens) {
    if ((t.tokenName !== "SQL_COMMENT" && t.tokenName !== "C_COMMENT") || !t.text.includes("pgwarden-lint")) continue;
    const start = source.fromByte(t.start);
    const { line, column } = source.position(start);
    const body = commentBody(t.text);
    const ignore = IGNORE.exec(body);
    if (ignore) {
      const rules = (ignore[1] ?? "").split(",").map((r) => r.trim()).filter(Boolean);
      const statement = statementFor(source, statements, start);
      out.ignores.push({ rules, reason: (ignore[2] ?? "").trim(), line, column, ...(statement ? { statement } : {}) });
      continue;
    }
    const assume = ASSUME.exec(body);
    if (assume) {
      for (const item of (assume[1] ?? "").split(",").map((x) => x.trim())) {
        const ref = parseColumnRef(item);
        if (ref) out.assumedChecks.push({ ...ref, line });
        else out.malformed.push({ line, column, message: `pgwarden-lint-assume-validated-check needs TABLE.COLUMN or SCHEMA.TABLE.COLUMN (got "${item}")` });
      }
    }
  }
  return out;
}
