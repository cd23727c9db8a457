import "server-only";
import { coalesce } from "./coalesce";
import type { Target } from "./pools";
import { read } from "./run";
import type { Queryable } from "./types";

// Sizes and index definitions cost a stat() per relation file and a catalog deparse per index
// (≈ 350 ms + 400 ms at 10,000 tables / 20,000 indexes, ARCHITECTURE §3), so they are computed
// ONCE per interval for every relation of a database and reused by the tables, indexes and
// space views, which then only sort and page.

/** Ordinary user relations: no catalogs, no TOAST schema, no other sessions' temp tables. */
const USER_RELATION = /* sql */ `
  n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast' AND c.relpersistence <> 't'`;

// pg_table_size = heap forks + TOAST (heap and index); pg_total_relation_size(reltoastrelid) is the
// TOAST part alone, so heap = table − toast. Both return NULL for a relation dropped meanwhile.
const TABLE_SIZES = /* sql */ `
  SELECT c.oid, n.nspname AS schema, c.relname AS name,
         coalesce(pg_table_size(c.oid), 0) AS table_bytes,
         CASE WHEN c.reltoastrelid <> 0 THEN coalesce(pg_total_relation_size(c.reltoastrelid), 0) ELSE 0 END AS toast_bytes
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'm', 'p') AND ${USER_RELATION}`;

const INDEX_SIZES = /* sql */ `
  SELECT i.indexrelid AS oid, i.indrelid AS table_oid,
         coalesce(pg_table_size(i.indexrelid), 0) AS size_bytes,
         pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'm', 'p') AND ${USER_RELATION}`;

export interface TableSizes {
  oid: number;
  schema: string;
  name: string;
  totalBytes: number;
  heapBytes: number;
  indexBytes: number;
  toastBytes: number;
}

export interface IndexSnapshotEntry {
  oid: number;
  tableOid: number;
  sizeBytes: number;
  definition: string;
}

export interface SizeSnapshot {
  takenAt: number;
  tables: Map<number, TableSizes>;
  indexes: Map<number, IndexSnapshotEntry>;
  /** oids and total sizes as parallel arrays, to hand to SQL as two parameters */
  tableOids: number[];
  tableTotals: number[];
  indexOids: number[];
  indexSizes: number[];
}

export async function sizeSnapshot(db: Queryable): Promise<SizeSnapshot> {
  const tablesResult = await db.query(TABLE_SIZES);
  const indexesResult = await db.query(INDEX_SIZES);
  const tables = new Map<number, TableSizes>();
  for (const r of tablesResult.rows) {
    tables.set(r.oid, {
      oid: r.oid,
      schema: r.schema,
      name: r.name,
      heapBytes: r.table_bytes - r.toast_bytes,
      toastBytes: r.toast_bytes,
      indexBytes: 0,
      totalBytes: r.table_bytes,
    });
  }
  const indexes = new Map<number, IndexSnapshotEntry>();
  for (const r of indexesResult.rows) {
    indexes.set(r.oid, { oid: r.oid, tableOid: r.table_oid, sizeBytes: r.size_bytes, definition: r.definition ?? "" });
    const t = tables.get(r.table_oid);
    if (t) {
      t.indexBytes += r.size_bytes;
      t.totalBytes += r.size_bytes;
    }
  }
  const tableList = [...tables.values()];
  const indexList = [...indexes.values()];
  return {
    takenAt: Date.now(),
    tables,
    indexes,
    tableOids: tableList.map((t) => t.oid),
    tableTotals: tableList.map((t) => t.totalBytes),
    indexOids: indexList.map((i) => i.oid),
    indexSizes: indexList.map((i) => i.sizeBytes),
  };
}

export const SIZE_SNAPSHOT_TTL_MS = 60_000;

/**
 * The snapshot for (server, database), computed at most once per minute however many viewers
 * ask (single-flight: concurrent callers share the one running query).
 */
export function cachedSizeSnapshot(target: Target): Promise<SizeSnapshot> {
  const key = `size-snapshot\u0000${target.server}\u0000${target.database ?? ""}`;
  return coalesce(key, SIZE_SNAPSHOT_TTL_MS, () => read(target, sizeSnapshot));
}
