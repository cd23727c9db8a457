// What ALTER COLUMN … TYPE costs, by (old type, new type, server version). PostgreSQL skips the
// rewrite when the conversion is binary-coercible (pg_cast method 'b') and any length coercion is
// a no-op per the type's support function (varchar_support, numeric_support, TemporalSimplify,
// interval_support, varbit_support, all since 9.2); timestamp ↔ timestamptz is also skipped from
// 12 when the session's TimeZone is UTC (ATColumnChangeRequiresRewrite). Without a rewrite, indexes
// on the column are still rebuilt when the operator family or collation changes, and its CHECK
// constraints are re-checked (a full scan). Measured on PostgreSQL 18 and 14 by
// test/integration/type-change.test.ts, which runs this table against real servers.
import { parseSync, type TypeName } from "libpg-query";
import type { TypeSpec } from "@/lib/schemas/lint";
import { as, strings } from "./ast";

export type { TypeSpec } from "@/lib/schemas/lint";

/** free: catalog only; index: no rewrite, but indexes on the column are rebuilt; rewrite: every row and index. */
export type ChangeCost = "free" | "index" | "rewrite";

export interface TypeChange {
  cost: ChangeCost;
  /** The cost holds only if the migration's session has TimeZone = UTC (otherwise: rewrite). */
  utcOnly?: boolean;
}

// Typmod encodings (the typmodin functions): varchar/bpchar n + VARHDRSZ, numeric ((p << 16) | s) + 4,
// interval (range << 16) | precision, the rest the number as written.
const VARHDRSZ = 4;
const INTERVAL_FULL_RANGE = 0x7fff;
const INTERVAL_FULL_PRECISION = 0xffff;
const TEMPORAL = new Set(["timestamp", "timestamptz", "time", "timetz"]);

const CATALOG_ALIASES: Record<string, string> = { decimal: "numeric", float: "float8" };

/** A parsed type name (ALTER COLUMN … TYPE x, ADD COLUMN c x) as a TypeSpec. */
export function typeSpecOf(tn: TypeName | undefined): TypeSpec {
  const names = strings(tn?.names);
  const catalog = names.length === 2 && names[0] === "pg_catalog";
  const last = names[names.length - 1] ?? "";
  // citext and other extension types are looked up by name wherever their schema is.
  const name = catalog ? (CATALOG_ALIASES[last] ?? last) : names.length === 1 || last === "citext" ? last : names.join(".");
  const mods = (tn?.typmods ?? []).map((m) => as(m, "A_Const")?.ival?.ival ?? 0);
  return { name, typmod: typmodOf(name, mods), array: (tn?.arrayBounds?.length ?? 0) > 0 };
}

/** "varchar(20)", "timestamp(3) with time zone" → TypeSpec (after ensureParser()). */
export function typeSpecFromText(text: string): TypeSpec {
  const [raw] = parseSync(`ALTER TABLE t ALTER COLUMN c TYPE ${text}`).stmts ?? [];
  const cmd = as(as(raw?.stmt, "AlterTableStmt")?.cmds?.[0], "AlterTableCmd");
  return typeSpecOf(as(cmd?.def, "ColumnDef")?.typeName);
}

function typmodOf(name: string, mods: number[]): number {
  const [a, b] = mods;
  if (a === undefined) return -1;
  switch (name) {
    case "varchar":
    case "bpchar":
      return a + VARHDRSZ;
    case "numeric":
      return ((a << 16) | (b ?? 0)) + VARHDRSZ;
    case "interval":
      return (a << 16) | (b ?? INTERVAL_FULL_PRECISION);
    default:
      return a;
  }
}

// interval_support: the smallest field of an interval typmod (0 = SECOND … 5 = YEAR), timestamp.c.
const MASK = { MONTH: 1 << 1, YEAR: 1 << 2, DAY: 1 << 3, HOUR: 1 << 10, MINUTE: 1 << 11, SECOND: 1 << 12 };
function leastField(typmod: number): number {
  if (typmod < 0) return 0;
  const range = (typmod >> 16) & 0x7fff;
  if (range === INTERVAL_FULL_RANGE || range & MASK.SECOND) return 0;
  if (range & MASK.MINUTE) return 1;
  if (range & MASK.HOUR) return 2;
  if (range & MASK.DAY) return 3;
  if (range & MASK.MONTH) return 4;
  return 5;
}

/** Whether the length coercion from typmod `from` to `to` of the same type is a no-op. */
function sameTypeNoop(name: string, from: number, to: number, version: number): boolean {
  if (from === to) return true;
  if (version < 90200) return false;
  // Dropping the limit: nothing to check (char(n) and bit(n) pad, so they always rewrite).
  if (to < 0) return name !== "bpchar" && name !== "bit";
  if (name === "varchar" || name === "varbit") return from >= 0 && to >= from;
  if (name === "numeric") {
    const [p0, s0, p1, s1] = [(from - VARHDRSZ) >> 16, (from - VARHDRSZ) & 0xffff, (to - VARHDRSZ) >> 16, (to - VARHDRSZ) & 0xffff];
    return from >= 0 && s1 === s0 && p1 >= p0;
  }
  if (TEMPORAL.has(name)) return to === 6 || (from >= 0 && to >= from);
  if (name === "interval") {
    const oldPrecision = from < 0 ? INTERVAL_FULL_PRECISION : from & 0xffff;
    const newPrecision = to & 0xffff;
    const oldLeast = leastField(from);
    return leastField(to) <= oldLeast && (oldLeast > 0 || newPrecision >= 6 || newPrecision >= oldPrecision);
  }
  return false;
}

// Binary-coercible casts between different types (pg_cast castmethod 'b') that migrations meet,
// and whether indexes on the column survive (same operator family): text and varchar share
// text_ops, inet and cidr network_ops; citext, bit/varbit and oid/int4 do not.
const RELABEL: Record<string, ChangeCost> = {
  "text>varchar": "free",
  "varchar>text": "free",
  "cidr>inet": "free",
  "xml>text": "free",
  "xml>varchar": "free",
  "text>citext": "index",
  "varchar>citext": "index",
  "citext>text": "index",
  "citext>varchar": "index",
  "bit>varbit": "index",
  "varbit>bit": "rewrite", // bit's length coercion pads: always a rewrite
  "int4>oid": "index",
  "oid>int4": "index",
};

/** The cost of ALTER COLUMN … TYPE `to` (no USING, no COLLATE) when the column is `from` today. */
export function typeChangeCost(from: TypeSpec, to: TypeSpec, version: number): TypeChange {
  if (from.array || to.array) {
    // Array element coercions are never relabelled (measured: varchar(10)[] → text[] rewrites).
    return from.array === to.array && from.name === to.name && from.typmod === to.typmod ? { cost: "free" } : { cost: "rewrite" };
  }
  if (from.name === to.name) return { cost: sameTypeNoop(from.name, from.typmod, to.typmod, version) ? "free" : "rewrite" };
  const relabel = RELABEL[`${from.name}>${to.name}`];
  // After a relabel the value's typmod is unknown (-1), so any length limit on the new type is checked row by row.
  if (relabel) return { cost: to.typmod < 0 ? relabel : "rewrite" };
  const tz = (from.name === "timestamp" && to.name === "timestamptz") || (from.name === "timestamptz" && to.name === "timestamp");
  if (tz && version >= 120000 && to.typmod < 0) return { cost: "index", utcOnly: true };
  return { cost: "rewrite" };
}

/**
 * When the old type is not known: the old types from which a change to `to` does not rewrite,
 * in words ("varchar(n) with n ≤ 200"), each with its cost. Empty: a rewrite from any other type.
 */
export function freeSources(to: TypeSpec, version: number): { from: string; cost: ChangeCost; utcOnly?: boolean }[] {
  if (to.array || version < 90200) return [];
  const out: { from: string; cost: ChangeCost; utcOnly?: boolean }[] = [];
  const unlimited = to.typmod < 0;
  switch (to.name) {
    case "varchar":
      out.push({ from: unlimited ? "text or varchar of any length" : `varchar(n) with n ≤ ${to.typmod - VARHDRSZ}`, cost: "free" });
      if (unlimited) out.push({ from: "citext", cost: "index" });
      break;
    case "text":
      out.push({ from: "varchar of any length", cost: "free" }, { from: "citext", cost: "index" });
      break;
    case "citext":
      out.push({ from: "text or varchar without a length limit", cost: "index" });
      break;
    case "numeric": {
      const p = (to.typmod - VARHDRSZ) >> 16;
      const s = (to.typmod - VARHDRSZ) & 0xffff;
      out.push({ from: unlimited ? "numeric of any precision" : `numeric(p, ${s}) with p ≤ ${p}`, cost: "free" });
      break;
    }
    case "timestamp":
    case "timestamptz":
    case "time":
    case "timetz": {
      const written = to.name === "timestamptz" ? "timestamptz" : to.name === "timetz" ? "timetz" : to.name;
      out.push({ from: unlimited || to.typmod === 6 ? `${written} of any precision` : `${written}(p) with p ≤ ${to.typmod}`, cost: "free" });
      if (unlimited && version >= 120000 && (to.name === "timestamp" || to.name === "timestamptz")) {
        out.push({ from: to.name === "timestamp" ? "timestamptz" : "timestamp", cost: "index", utcOnly: true });
      }
      break;
    }
    case "interval":
      out.push({ from: unlimited || (to.typmod & 0xffff) >= 6 ? "interval with the same or larger fields" : "interval with the same or larger fields and at most this precision", cost: "free" });
      break;
    case "varbit":
      out.push({ from: unlimited ? "varbit of any length" : `varbit(n) with n ≤ ${to.typmod}`, cost: "free" });
      if (unlimited) out.push({ from: "bit", cost: "index" });
      break;
    case "inet":
      out.push({ from: "cidr", cost: "free" });
      break;
    case "oid":
      out.push({ from: "integer", cost: "index" });
      break;
    default:
      break;
  }
  return out;
}

/** A built-in type name as PostgreSQL's catalog spells it (int4, varchar …), or a user type. */
export function isBuiltinType(name: string): boolean {
  return BUILTIN.has(name);
}

const BUILTIN = new Set([
  "bool", "int2", "int4", "int8", "float4", "float8", "numeric", "money", "text", "varchar", "bpchar", "name", "bytea", "char",
  "date", "time", "timetz", "timestamp", "timestamptz", "interval", "uuid", "json", "jsonb", "xml", "inet", "cidr", "macaddr",
  "macaddr8", "bit", "varbit", "oid", "tsvector", "tsquery", "point", "line", "lseg", "box", "path", "polygon", "circle",
  "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange", "pg_lsn", "regclass", "jsonpath",
]);
