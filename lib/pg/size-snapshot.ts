import "server-only";
import { coalesceStale } from "./coalesce";
import type { Target } from "./pools";
import { read } from "./run";
import type { Queryable } from "./types";

// Sizes and index definitions cost a stat() per relation file and a catalog deparse per index
// (≈ 350 ms + 400 ms at 10,000 tables / 20,000 indexes, ARCHITECTURE §3), so they are computed
// ONCE per interval for every relation of a database and reused by the tables, indexes and
// space views, which then only sort and page.

// Sizes per relation FILE (fork by fork) for every table, TOAST table and index, summed here:
// the same figures as pg_total_relation_size, but each file is stat()ed once — pg_table_size and
// pg_total_relation_size visit TOAST and indexes again for every table (measured ≈ 2× the cost
// at 10,000 tables). The init fork exists only for unlogged relations. Sizes are NULL for a
// relation dropped meanwhile. The pg_toast schema is included for user tables' TOAST.
const RELATION_SIZES = /* sql */ `
  SELECT c.oid, c.relkind, n.nspname AS schema, c.relname AS name, c.reltoastrelid AS toast_oid,
         i.indrelid AS index_of,
         coalesce(pg_relation_size(c.oid, 'main') + pg_relation_size(c.oid, 'fsm') + pg_relation_size(c.oid, 'vm')
                  + CASE WHEN c.relpersistence = 'u' THEN pg_relation_size(c.oid, 'init') ELSE 0 END, 0) AS bytes
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_index i ON i.indexrelid = c.oid
   WHERE c.relkind IN ('r', 'm', 'p', 't', 'i') AND c.relpersistence <> 't'
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_temp_'`;

// A separate statement: each gets its own statement_timeout, and deparsing is the other big cost.
const INDEX_DEFINITIONS = /* sql */ `
  SELECT i.indexrelid AS oid, pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind IN ('r', 'm', 'p') AND c.relpersistence <> 't'
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'`;

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

interface SizeRow {
  oid: number;
  relkind: string;
  schema: string;
  name: string;
  toast_oid: number;
  index_of: number | null;
  bytes: number;
}

export async function sizeSnapshot(db: Queryable): Promise<SizeSnapshot> {
  const sizeRows: SizeRow[] = (await db.query(RELATION_SIZES)).rows;
  const definitions = new Map<number, string>();
  for (const r of (await db.query(INDEX_DEFINITIONS)).rows) definitions.set(r.oid, r.definition ?? "");

  const tables = new Map<number, TableSizes>();
  const toastOwner = new Map<number, TableSizes>();
  for (const r of sizeRows) {
    if (r.relkind !== "r" && r.relkind !== "m" && r.relkind !== "p") continue;
    if (/^pg_toast/.test(r.schema)) continue;
    const t = { oid: r.oid, schema: r.schema, name: r.name, heapBytes: r.bytes, toastBytes: 0, indexBytes: 0, totalBytes: r.bytes };
    tables.set(r.oid, t);
    if (r.toast_oid) toastOwner.set(r.toast_oid, t);
  }
  const indexes = new Map<number, IndexSnapshotEntry>();
  for (const r of sizeRows) {
    if (r.relkind === "t") {
      const owner = toastOwner.get(r.oid);
      if (owner) {
        owner.toastBytes += r.bytes;
        owner.totalBytes += r.bytes;
      }
    } else if (r.relkind === "i" && r.index_of !== null) {
      const table = tables.get(r.index_of);
      if (table) {
        table.indexBytes += r.bytes;
        table.totalBytes += r.bytes;
        indexes.set(r.oid, { oid: r.oid, tableOid: table.oid, sizeBytes: r.bytes, definition: definitions.get(r.oid) ?? "" });
      } else {
        // the index of a TOAST table counts as TOAST, as in pg_total_relation_size
        const owner = toastOwner.get(r.index_of);
        if (owner) {
          owner.toastBytes += r.bytes;
          owner.totalBytes += r.bytes;
        }
      }
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

/** Served while a newer snapshot is computed in the background (sizes change slowly). */
export const SIZE_SNAPSHOT_MAX_STALE_MS = 10 * 60_000;

/**
 * The snapshot for (server, database), computed at most once per minute however many viewers
 * ask (single-flight), and refreshed in the background rather than on a viewer's request.
 */
export function cachedSizeSnapshot(target: Target): Promise<SizeSnapshot> {
  const key = `size-snapshot\u0000${target.server}\u0000${target.database ?? ""}`;
  return coalesceStale(key, SIZE_SNAPSHOT_TTL_MS, SIZE_SNAPSHOT_MAX_STALE_MS, () => read(target, sizeSnapshot));
}
