import type { Queryable } from "../types";

// Every user table with its columns, in ONE catalog query; detection then happens in TypeScript
// because most tools let the table name and schema be configured, but not the column set.
// Tables wider than 24 columns are left out: the widest history table (Liquibase) has 14, and
// skipping wide tables keeps this cheap on databases with thousands of tables.
const USER_TABLE_COLUMNS = /* sql */ `
  SELECT c.oid::int8::text AS oid,
         n.nspname::text AS schema,
         c.relname::text AS name,
         has_table_privilege(c.oid, 'SELECT') AS readable,
         array_agg(a.attname::text ORDER BY a.attnum) AS columns,
         array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY a.attnum) AS types,
         array_agg(coalesce(a.attnum = ANY (i.indkey), false) ORDER BY a.attnum) AS pk
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary
   WHERE c.relkind IN ('r', 'p')
     AND NOT c.relispartition
     AND n.nspname <> ALL ($1::text[])
     AND n.nspname NOT LIKE 'pg\\_toast%'
     AND n.nspname NOT LIKE 'pg\\_temp\\_%'
   GROUP BY c.oid, n.nspname, c.relname
  HAVING count(*) <= 24`;

const SYSTEM_SCHEMAS = ["pg_catalog", "information_schema"];

export interface Column {
  /** format_type() output, e.g. "character varying(50)", "timestamp(0) without time zone". */
  type: string;
  pk: boolean;
}

export interface TableInfo {
  oid: string;
  schema: string;
  name: string;
  readable: boolean;
  /** Column name → type, in attnum order. Names are the catalog's, exactly. */
  columns: Map<string, Column>;
}

export async function userTables(db: Queryable): Promise<TableInfo[]> {
  const { rows } = await db.query(USER_TABLE_COLUMNS, [SYSTEM_SCHEMAS]);
  return rows.map((r: { oid: string; schema: string; name: string; readable: boolean; columns: string[]; types: string[]; pk: boolean[] }) => ({
    oid: r.oid,
    schema: r.schema,
    name: r.name,
    readable: r.readable,
    columns: new Map(r.columns.map((c, i) => [c, { type: r.types[i] ?? "", pk: r.pk[i] ?? false }])),
  }));
}
