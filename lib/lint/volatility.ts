// Volatility of a column DEFAULT, offline. PostgreSQL 11+ stores a non-volatile default once
// (pg_attribute.attmissingval) instead of rewriting the table; a volatile one (a different value
// per row) still rewrites. squawk does the same with an allow-list built from pg_proc.provolatile.
import type { Node } from "libpg-query";
import { as, findAll, strings } from "./ast";

/** pg_proc.provolatile = 'v' for these (plus common extension functions). */
const VOLATILE = new Set([
  "random",
  "random_normal",
  "gen_random_uuid",
  "uuidv4",
  "uuidv7",
  "uuid_generate_v1",
  "uuid_generate_v1mc",
  "uuid_generate_v4",
  "gen_random_bytes",
  "clock_timestamp",
  "timeofday",
  "nextval",
  "currval",
  "lastval",
  "setval",
  "txid_current",
  "pg_current_xact_id",
]);

/** Stable or immutable built-ins often used in defaults: evaluated once for the whole ALTER. */
const NON_VOLATILE = new Set([
  "now",
  "statement_timestamp",
  "transaction_timestamp",
  "current_setting",
  "current_database",
  "current_schema",
  "to_timestamp",
  "to_date",
  "to_char",
  "to_json",
  "to_jsonb",
  "json_build_object",
  "jsonb_build_object",
  "json_build_array",
  "jsonb_build_array",
  "make_date",
  "make_time",
  "make_timestamp",
  "make_timestamptz",
  "make_interval",
  "date_trunc",
  "date_part",
  "extract",
  "timezone",
  "lower",
  "upper",
  "length",
  "concat",
  "concat_ws",
  "format",
  "md5",
  "abs",
  "round",
  "floor",
  "ceil",
  "array_fill",
  "string_to_array",
  "array_to_string",
]);

export type Volatility = "volatile" | "unknown" | "non-volatile";

export interface DefaultVolatility {
  volatility: Volatility;
  /** The function names that made it volatile or unknown. */
  functions: string[];
}

/** Classifies a default expression by the functions it calls. */
export function defaultVolatility(expr: Node | undefined): DefaultVolatility {
  const volatile: string[] = [];
  const unknown: string[] = [];
  for (const call of findAll(expr, "FuncCall")) {
    const names = strings(call.funcname);
    const name = (names[names.length - 1] ?? "").toLowerCase();
    const schema = names.length > 1 ? names[0] : undefined;
    if (VOLATILE.has(name)) volatile.push(name);
    else if (!NON_VOLATILE.has(name) || (schema && schema !== "pg_catalog")) unknown.push(names.join("."));
  }
  if (volatile.length > 0) return { volatility: "volatile", functions: volatile };
  if (unknown.length > 0) return { volatility: "unknown", functions: unknown };
  return { volatility: "non-volatile", functions: [] };
}

/** `DEFAULT NULL` is no default at all. */
export function isNullConstant(expr: Node | undefined): boolean {
  return as(expr, "A_Const")?.isnull === true;
}
