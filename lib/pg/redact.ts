// Secrets out of query text (issue 8). pg_stat_activity shows the statement a session ran last,
// so `ALTER ROLE app PASSWORD '…'` stays readable until that session runs something else. Every
// query text the console returns passes through redactSql() first, for every role.
//
// Secrets are FOUND with PostgreSQL's own parser (libpg-query): the parse tree says which clause a
// constant belongs to, the lexer's tokens give its exact extent (quotes, E'', $tag$…$tag$, string
// continuation). Regular expressions only decide whether a text is worth parsing at all, and
// whether an option name or a token's content names a secret — never where a secret is.
// Pure: no database, no I/O (libpg-query is WASM), so the unit tests cover every clause kind.
import { loadModule, parseSync, scanSync, type ScanToken } from "libpg-query";

/** What a text that cannot be parsed (truncated at track_activity_query_size, garbage) becomes. */
export const REDACTED_WHOLE = "[redacted: could not be parsed and may contain a password]";
const REDACTED_STRING = "'[redacted]'";

// Cheap pre-filter: only a text containing one of these can hold a secret the rules below find.
const WORTH_PARSING = /pass|secret|token|credential|conninfo|connstr|dsn|dblink|connection/i;
// Option names (CREATE/ALTER ROLE, USER MAPPING, SERVER, FOREIGN DATA WRAPPER, any OPTIONS (…))
// whose value is a secret: password, sslpassword, passfile, passwd, secret_access_key, conninfo…
const SECRET_OPTION = /pass|secret|token|credential|conninfo|connstr|dsn/i;
// A string constant or comment mentioning these is replaced whole wherever it appears (a DO
// block's body, a function body, the SQL passed to dblink_exec, `-- new password: …`).
const SENSITIVE_CONTENT = /password|passwd|secret|dblink/i;
// A text that does not parse is withheld entirely when it mentions these (the rule).
const UNPARSEABLE_SENSITIVE = /password|passwd|dblink/i;

let ready: Promise<void> | undefined;

/** Loads the parser's WASM module once per thread; the *Sync functions below need it. */
export function loadSqlParser(): Promise<void> {
  ready ??= loadModule().catch((err) => {
    ready = undefined;
    throw err;
  });
  return ready;
}

type Json = unknown;
interface Range {
  start: number; // UTF-8 byte offsets, as libpg_query reports them
  end: number;
  replacement: string;
}

/** The query text with every secret replaced. Call loadSqlParser() once before. */
export function redactSql(text: string): string {
  if (!WORTH_PARSING.test(text)) return text;
  let tree: { stmts?: { stmt?: Json; stmt_location?: number; stmt_len?: number }[] };
  let tokens: ScanToken[];
  try {
    tree = parseSync(text);
    tokens = scanSync(text).tokens ?? [];
  } catch {
    return UNPARSEABLE_SENSITIVE.test(text) ? REDACTED_WHOLE : text;
  }
  const ranges: Range[] = [];
  const stringAt = (byte: number) => tokenIndexAt(tokens, byte);
  const redactToken = (i: number | undefined) => {
    const t = i === undefined ? undefined : tokens[i];
    if (t) ranges.push({ start: t.start, end: t.end, replacement: REDACTED_STRING });
  };

  // 1. Tokens: string constants and comments that talk about secrets, wherever they are.
  for (const t of tokens) {
    if (!SENSITIVE_CONTENT.test(t.text)) continue;
    if (isStringToken(t)) ranges.push({ start: t.start, end: t.end, replacement: REDACTED_STRING });
    else if (t.tokenName === "C_COMMENT") ranges.push({ start: t.start, end: t.end, replacement: "/* [redacted] */" });
    else if (t.tokenName === "SQL_COMMENT") ranges.push({ start: t.start, end: t.end, replacement: "-- [redacted]" });
  }

  // 2. The parse tree: secret options, dblink connection strings, subscription connections.
  const totalBytes = Buffer.byteLength(text, "utf8");
  for (const raw of tree.stmts ?? []) {
    const stmtStart = raw.stmt_location ?? 0; // libpg_query leaves out zero values
    const stmtEnd = raw.stmt_len ? stmtStart + raw.stmt_len : totalBytes;
    walk(raw.stmt, (kind, node) => {
      if (kind === "DefElem") {
        const d = node as { defname?: string; arg?: Json; location?: number };
        if (d.arg === undefined || !d.defname || !SECRET_OPTION.test(d.defname)) return;
        const consts = constantLocations(d.arg);
        if (consts.length > 0) consts.forEach((loc) => redactToken(stringAt(loc)));
        else redactToken(optionValueToken(tokens, d.location ?? stmtStart));
      } else if (kind === "FuncCall") {
        const f = node as { funcname?: Json[]; args?: Json[] };
        const name = lastName(f.funcname);
        if (!name.startsWith("dblink")) return;
        // dblink_connect(name, connstr): both may be a connection string; elsewhere the first.
        const connArgs = name.startsWith("dblink_connect") ? (f.args ?? []) : (f.args ?? []).slice(0, 1);
        for (const arg of connArgs) constantLocations(arg).forEach((loc) => redactToken(stringAt(loc)));
      } else if (kind === "CreateSubscriptionStmt" || kind === "AlterSubscriptionStmt") {
        if ((node as { conninfo?: string }).conninfo !== undefined) redactToken(subscriptionConnection(tokens, stmtStart, stmtEnd));
      }
    });
  }
  return ranges.length === 0 ? text : splice(text, ranges);
}

/** String constants: '…', E'…', N'…' (SCONST after N), $tag$…$tag$, U&'…' (reported as UNKNOWN). */
function isStringToken(t: ScanToken): boolean {
  return t.tokenName === "SCONST" || t.tokenName === "USCONST" || (t.tokenName === "UNKNOWN" && /^u&'/i.test(t.text));
}

/** Index of the token that starts at `byte` (tree locations point at a token's first byte). */
function tokenIndexAt(tokens: ScanToken[], byte: number): number | undefined {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tokens[mid]!;
    if (t.start === byte) return isStringToken(t) ? mid : undefined;
    if (t.start < byte) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/**
 * The string constant that is an option's value: the option's location points at its name
 * (`password`, `ENCRYPTED PASSWORD`, `SET password`), and the value follows within a few tokens,
 * before the next `,` `)` or `;` — so an option written without a string never reaches past itself.
 */
function optionValueToken(tokens: ScanToken[], location: number): number | undefined {
  let i = tokens.findIndex((t) => t.start >= location);
  if (i < 0) return undefined;
  for (const end = Math.min(tokens.length, i + 4); i < end; i++) {
    const t = tokens[i]!;
    if (isStringToken(t)) return i;
    if (t.text === "," || t.text === ")" || t.text === ";") return undefined;
  }
  return undefined;
}

/** CREATE/ALTER SUBSCRIPTION … CONNECTION '…': the node keeps the text but no location. */
function subscriptionConnection(tokens: ScanToken[], start: number, end: number): number | undefined {
  for (let i = 0; i < tokens.length - 1; i++) {
    const t = tokens[i]!;
    if (t.start < start || t.start >= end) continue;
    if (t.text.toLowerCase() === "connection" && isStringToken(tokens[i + 1]!)) return i + 1;
  }
  return undefined;
}

/** Locations of the string constants in an expression (a literal, a cast, a concatenation…). */
function constantLocations(node: Json): number[] {
  const out: number[] = [];
  walk(node, (kind, n) => {
    const c = n as { sval?: unknown; location?: number };
    if (kind === "A_Const" && c.sval !== undefined && c.location !== undefined) out.push(c.location);
  });
  return out;
}

function lastName(names: Json[] | undefined): string {
  const last = names?.[names.length - 1] as { String?: { sval?: string } } | undefined;
  return (last?.String?.sval ?? "").toLowerCase();
}

/** Visits every node of a libpg_query JSON tree as (NodeType, fields); iterative (deep expressions). */
function walk(root: Json, visit: (kind: string, node: object) => void) {
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const x of v) stack.push(x);
    } else if (v && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        // Node wrappers are { TypeName: { fields } } with a capitalised key.
        if (child && typeof child === "object" && !Array.isArray(child) && /^[A-Z]/.test(k)) visit(k, child);
        stack.push(child);
      }
    }
  }
}

/** Replaces byte ranges (overlaps merged, the widest wins) and returns the new text. */
function splice(text: string, ranges: Range[]): string {
  const bytes = Buffer.from(text, "utf8");
  ranges.sort((a, b) => a.start - b.start || b.end - a.end);
  const parts: Buffer[] = [];
  let at = 0;
  for (const r of ranges) {
    if (r.start < at) continue; // inside a range already replaced
    parts.push(bytes.subarray(at, r.start), Buffer.from(r.replacement, "utf8"));
    at = r.end;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts).toString("utf8");
}
