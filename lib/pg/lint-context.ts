import "server-only";
import pg from "pg";
import type { CatalogQuestions, LintFacts, TableRef, TypeSpec } from "@/lib/schemas/lint";
import { regclassInput } from "./blast-radius";
import type { Queryable } from "./types";

// What earlier migrations left in the database, for the linter (issue 15, cross-migration
// context): columns (type, validated NOT NULL, how many indexes and CHECKs use them), validated
// CHECK constraints, partition keys, and user types. Only for the tables and types the linted
// file asked about; names resolve through the search_path exactly as the migration's would.

/** A file can name thousands of tables; the facts of the first ones are plenty for a review. */
const MAX_TABLES = 500;

const INPUT = /* sql */ `
  input AS (
    SELECT ord::int, to_regclass(qname) AS oid
      FROM unnest($1::text[]) WITH ORDINALITY AS u(qname, ord)
  )`;

// A domain column is described by its base type: what a type change does depends on that.
// PostgreSQL 18 keeps attnotnull for a NOT VALID not-null constraint, which proves nothing.
const COLUMNS = /* sql */ `
  WITH ${INPUT}
  SELECT input.ord, a.attname,
         COALESCE(elem.typname, base.typname) AS type_name,
         (elem.oid IS NOT NULL) AS is_array,
         CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END AS typmod,
         a.attnotnull AND NOT EXISTS (
           SELECT 1 FROM pg_constraint n
            WHERE n.conrelid = a.attrelid AND n.contype = 'n' AND n.conkey[1] = a.attnum AND NOT n.convalidated
         ) AS not_null,
         (SELECT count(*)::int FROM pg_index i
           WHERE i.indrelid = a.attrelid
             AND (a.attnum = ANY (i.indkey::int2[])
                  OR EXISTS (SELECT 1 FROM pg_depend d
                              WHERE d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
                                AND d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid
                                AND d.refobjsubid = a.attnum))) AS indexes,
         (SELECT count(*)::int FROM pg_constraint k
           WHERE k.conrelid = a.attrelid AND k.contype = 'c' AND a.attnum = ANY (k.conkey)) AS checks,
         a.attgenerated::text AS generated
    FROM input
    JOIN pg_attribute a ON a.attrelid = input.oid AND a.attnum > 0 AND NOT a.attisdropped
    JOIN pg_type t ON t.oid = a.atttypid
    JOIN pg_type base ON base.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
    LEFT JOIN pg_type elem ON base.typcategory = 'A' AND elem.oid = base.typelem
   ORDER BY input.ord, a.attnum`;

// pg_get_constraintdef prints a one-column NOT NULL check as CHECK ((col IS NOT NULL)), with
// the column quoted as quote_ident would.
const CHECKS = /* sql */ `
  WITH ${INPUT}
  SELECT input.ord, k.conname,
         ARRAY(SELECT a.attname::text FROM pg_attribute a
                WHERE a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey) ORDER BY a.attnum) AS columns,
         (SELECT a.attname::text FROM pg_attribute a
           WHERE a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
             AND cardinality(k.conkey) = 1
             AND pg_get_constraintdef(k.oid) = format('CHECK ((%s IS NOT NULL))', quote_ident(a.attname))) AS not_null_of
    FROM input
    JOIN pg_constraint k ON k.conrelid = input.oid AND k.contype = 'c' AND k.convalidated
   ORDER BY input.ord, k.conname`;

const PARTITION_KEYS = /* sql */ `
  WITH ${INPUT}
  SELECT input.ord,
         ARRAY(SELECT a.attname::text
                 FROM unnest(p.partattrs::int2[]) WITH ORDINALITY AS key(attnum, n)
                 JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = key.attnum
                ORDER BY key.n) AS columns
    FROM input
    JOIN pg_partitioned_table p ON p.partrelid = input.oid`;

const TYPES = /* sql */ `
  WITH input AS (
    SELECT ord::int, to_regtype(tname) AS oid FROM unnest($1::text[]) WITH ORDINALITY AS u(tname, ord)
  )
  SELECT input.ord, t.typtype::text AS typtype, b.typname AS base_name, t.typtypmod AS typmod,
         (b.typcategory = 'A') AS base_is_array, elem.typname AS elem_name,
         EXISTS (SELECT 1 FROM pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c') AS has_checks
    FROM input
    JOIN pg_type t ON t.oid = input.oid
    LEFT JOIN pg_type b ON b.oid = t.typbasetype
    LEFT JOIN pg_type elem ON b.typcategory = 'A' AND elem.oid = b.typelem`;

/** "app.money_amount" → '"app"."money_amount"' for to_regtype: quoted, so case survives. */
function typeInput(name: string): string {
  return name
    .split(".")
    .map((part) => pg.escapeIdentifier(part))
    .join(".");
}

/** The catalog's answers to the linter's questions; null when it knows nothing that helps. */
export async function lintFacts(db: Queryable, questions: CatalogQuestions): Promise<LintFacts | null> {
  const tables = questions.tables.slice(0, MAX_TABLES);
  const facts: Required<LintFacts> = { columns: [], checks: [], partitionKeys: [], types: [] };
  if (tables.length > 0) {
    const names = [tables.map(regclassInput)];
    const at = (ord: number): TableRef => tables[ord - 1] ?? { name: "" };
    const [columns, checks, keys] = [await db.query(COLUMNS, names), await db.query(CHECKS, names), await db.query(PARTITION_KEYS, names)];
    for (const r of columns.rows) {
      const type: TypeSpec = { name: r.type_name, typmod: Number(r.typmod), array: r.is_array };
      const generated = r.generated === "s" ? "stored" : r.generated === "v" ? "virtual" : "none";
      facts.columns.push({ table: at(r.ord), column: r.attname, type, notNull: r.not_null, indexes: r.indexes, checks: r.checks, generated });
    }
    for (const r of checks.rows) {
      facts.checks.push({ table: at(r.ord), name: r.conname, columns: r.columns, ...(r.not_null_of ? { notNullOf: r.not_null_of } : {}), source: "catalog" });
    }
    for (const r of keys.rows) facts.partitionKeys.push({ table: at(r.ord), columns: r.columns });
  }
  if (questions.types.length > 0) {
    const { rows } = await db.query(TYPES, [questions.types.map(typeInput)]);
    for (const r of rows) {
      const name = questions.types[r.ord - 1] ?? "";
      const kind = r.typtype === "d" ? "domain" : r.typtype === "e" ? "enum" : "other";
      const base: TypeSpec | undefined = r.base_name ? { name: r.elem_name ?? r.base_name, typmod: Number(r.typmod), array: r.base_is_array } : undefined;
      facts.types.push({ name, kind, ...(base ? { base } : {}), hasChecks: r.has_checks });
    }
  }
  const found = facts.columns.length + facts.checks.length + facts.partitionKeys.length + facts.types.length;
  return found > 0 ? facts : null;
}
