import { escapeIdentifier } from "pg";
import type { TableInfo } from "./catalog";

// Builders for the per-tool reads. Every identifier comes from the CATALOG (schema, table) or is a
// constant column name from the tool definitions, quoted with escapeIdentifier; never from input.

export type Field =
  | "version"
  | "name"
  | "description"
  | "applied_at"
  | "duration_ms"
  | "checksum"
  | "applied_by"
  | "state"
  | "kind"
  | "grp"
  | "author"
  | "error"
  | "problem";

export interface ReadSpec {
  /** A WITH clause (without the keyword's leading statement), e.g. pgroll's parent chain. */
  with?: string;
  /** FROM clause; the history table must be aliased `m`. Default: the table AS m. */
  from?: string;
  where?: string;
  /** SQL expressions per field; missing fields read as NULL. `problem` defaults to failed/dirty. */
  fields: Partial<Record<Field, string>>;
  /** ORDER BY list, newest first. */
  orderBy: string;
}

export function qualified(schema: string, name: string): string {
  return `${escapeIdentifier(schema)}.${escapeIdentifier(name)}`;
}

export function tableRef(t: TableInfo): string {
  return qualified(t.schema, t.name);
}

/** `m."col"` when the table has that column, else NULL: tolerates older/newer layouts of a tool. */
export function col(t: TableInfo, name: string): string {
  return t.columns.has(name) ? `m.${escapeIdentifier(name)}` : "NULL";
}

/**
 * A time column as timestamptz. `timestamp without time zone` columns were written with now() in
 * the writer's session time zone, which is normally the server's, so they are read in the
 * console session's (the server default); `utc` is for tools that store UTC explicitly (Ecto).
 */
export function time(t: TableInfo, name: string, utc = false): string {
  const c = t.columns.get(name);
  if (!c) return "NULL::timestamptz";
  const ref = `m.${escapeIdentifier(name)}`;
  if (c.type.includes("with time zone")) return ref;
  if (c.type.startsWith("timestamp")) return utc ? `(${ref} AT TIME ZONE 'UTC')` : `${ref}::timestamptz`;
  return "NULL::timestamptz";
}

const TEXT_FIELDS: Field[] = ["version", "name", "description", "checksum", "applied_by", "state", "kind", "grp", "author", "error"];

/**
 * One query per history table: newest `$1` rows in the tool's order, plus every row flagged as a
 * problem however old (a failed Flyway row must never fall off the end of the list).
 */
export function historyQuery(t: TableInfo, spec: ReadSpec): string {
  const f = spec.fields;
  const text = (k: Field) => `(${f[k] ?? "NULL"})::text AS ${k}`;
  const select = [
    ...TEXT_FIELDS.map(text),
    `(${f.applied_at ?? "NULL"}) AS applied_at`,
    `(${f.duration_ms ?? "NULL"})::float8 AS duration_ms`,
    `(${f.problem ?? "NULL"})::bool AS problem`,
    `row_number() OVER (ORDER BY ${spec.orderBy})::int AS rn`,
    `count(*) OVER ()::int AS total`,
  ].join(",\n           ");
  return /* sql */ `
    ${spec.with ? `WITH RECURSIVE ${spec.with}` : ""}
    SELECT * FROM (
      SELECT ${select}
        FROM ${spec.from ?? `${tableRef(t)} m`}
       ${spec.where ? `WHERE ${spec.where}` : ""}
    ) x
    WHERE x.rn <= $1 OR coalesce(x.problem, x.state IN ('failed', 'dirty'))
    ORDER BY x.rn`;
}
