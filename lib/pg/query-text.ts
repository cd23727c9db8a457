import "server-only";
import { normalizeSync, parseSync, scanSync, hasSqlDetails } from "libpg-query";
import { env } from "@/lib/config/env";
import { loadSqlParser, redactSql, REDACTED_WHOLE } from "./redact";

// Query text as each role may see it. Redaction (secrets out) applies to everyone and runs once
// per distinct text; `normalized` (literals → $n, PGWARDEN_QUERY_TEXT) then applies per viewer
// role. Both are cached by text: 2,000 sessions polled every 2 s repeat the same few hundred
// texts, so a poll costs map lookups, not 2,000 parses.

export type QueryTextMode = "full" | "normalized";

/** What a normalized text becomes when even the lexer cannot read it. */
export const NORMALIZE_FAILED = "[query text hidden: it could not be normalized]";

/** A bounded map that forgets the least recently used entries (insertion order = recency). */
class Lru {
  readonly #map = new Map<string, string>();
  constructor(readonly max: number) {}
  get(key: string, compute: (k: string) => string): string {
    const hit = this.#map.get(key);
    if (hit !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, hit);
      return hit;
    }
    const value = compute(key);
    this.#map.set(key, value);
    if (this.#map.size > this.max) this.#map.delete(this.#map.keys().next().value!);
    return value;
  }
}

// Texts are at most 4,096 characters (QUERY_TEXT_LIMIT): 5,000 entries stay well under 50 MB.
const redacted = new Lru(5_000);
const normalized = new Lru(5_000);

/** Secrets replaced (see redact.ts); for every role, before anything leaves the server. */
export async function redactQueries<T extends { query: string | null }>(rows: T[]): Promise<T[]> {
  if (!rows.some((r) => r.query)) return rows;
  await loadSqlParser();
  return rows.map((r) => (r.query ? { ...r, query: redacted.get(r.query, redactSql) } : r));
}

/** One text, redacted and clipped (the audit row of a cancel/terminate). */
export async function redactedQuery(text: string | null, maxChars: number): Promise<string | null> {
  if (!text) return text;
  await loadSqlParser();
  const r = redacted.get(text, redactSql);
  return r.length > maxChars ? `${r.slice(0, maxChars - 1)}…` : r;
}

/** The mode PGWARDEN_QUERY_TEXT gives a role; a role it does not know sees the least. */
export function queryTextMode(role: string): QueryTextMode {
  return env().PGWARDEN_QUERY_TEXT[role] ?? "normalized";
}

/** Applies the role's mode to already-redacted rows (a new array only when something changes). */
export async function queryTextFor<T extends { query: string | null }>(rows: T[], role: string): Promise<T[]> {
  if (queryTextMode(role) === "full" || !rows.some((r) => r.query)) return rows;
  await loadSqlParser();
  return rows.map((r) => (r.query ? { ...r, query: normalized.get(r.query, normalizeText) } : r));
}

/** Literals replaced by $n, with libpg_query's normalize (the same as pg_stat_statements). */
export function normalizeText(text: string): string {
  if (text === REDACTED_WHOLE) return text;
  try {
    // normalizeSync returns some parser errors as its result text (quoting the input), so it
    // only sees text the parser has accepted.
    parseSync(text);
    return normalizeSync(text);
  } catch {
    return normalizeTokens(text);
  }
}

const CONSTANT_TOKENS = new Set(["SCONST", "USCONST", "ICONST", "FCONST", "BCONST", "XCONST"]);

/**
 * For text the parser rejects — mostly statements cut at track_activity_query_size: each constant
 * token becomes $n. A cut inside a quoted string or comment stops the lexer too; the text is then
 * kept up to where that literal starts (PostgreSQL's error position), followed by "…".
 */
function normalizeTokens(text: string): string {
  let source = text;
  let tokens = scan(source);
  let cut = false;
  if (!tokens) {
    const at = errorPosition(text);
    if (at === undefined || at <= 0) return NORMALIZE_FAILED;
    source = [...text].slice(0, at).join("");
    tokens = scan(source);
    cut = true;
    if (!tokens) return NORMALIZE_FAILED;
  }
  const bytes = Buffer.from(source, "utf8");
  const parts: string[] = [];
  let at = 0;
  let n = 0;
  for (const t of tokens) {
    const isConstant = CONSTANT_TOKENS.has(t.tokenName) || (t.tokenName === "UNKNOWN" && /^(u&|b|x)'/i.test(t.text));
    if (!isConstant) continue;
    parts.push(bytes.subarray(at, t.start).toString("utf8"), `$${++n}`);
    at = t.end;
  }
  parts.push(bytes.subarray(at).toString("utf8"));
  const out = parts.join("");
  return cut ? `${out.trimEnd()} …` : out;
}

function scan(text: string) {
  try {
    return scanSync(text).tokens ?? [];
  } catch {
    return undefined;
  }
}

/** 0-based character position of the lexer error (an unterminated quote or comment). */
function errorPosition(text: string): number | undefined {
  try {
    parseSync(text);
    return undefined;
  } catch (err) {
    const p = hasSqlDetails(err) ? err.sqlDetails?.cursorPosition : undefined;
    return p === undefined ? undefined : p;
  }
}
