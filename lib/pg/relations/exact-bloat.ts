import { escapeIdentifier } from "pg";
import type { ExactBloat } from "@/lib/schemas/maintenance";

// Exact bloat from the pgstattuple extension: the statement for one relation and the figures it
// returns, shaped like the estimates. Pure: the job runner (lib/pg/maintenance.ts) runs it on the
// job's own connection, and exactBloat() (lib/pg/bloat.ts) on any client. pgstattuple READS THE
// WHOLE RELATION, which is why it only runs as a queued job.

export interface ExactTarget {
  oid: number;
  schema: string;
  name: string;
  /** pg_class.relkind */
  kind: string;
  /** pg_am.amname (indexes) */
  am: string | null;
  /** the schema pgstattuple is installed in; null when it is not installed */
  pgstattupleSchema: string | null;
  blockSize: number;
}

export class ExactBloatRefusal extends Error {}

const TABLE_KINDS = new Set(["r", "m", "t"]);

/** `SELECT * FROM <ext>.pgstattuple(<oid>)` or pgstatindex; the oid is the catalog's integer. */
export function exactBloatStatement(t: ExactTarget): string {
  if (!t.pgstattupleSchema) {
    throw new ExactBloatRefusal("Exact figures need the pgstattuple extension in this database: CREATE EXTENSION pgstattuple;");
  }
  const fn = TABLE_KINDS.has(t.kind) ? "pgstattuple" : t.kind === "i" && t.am === "btree" ? "pgstatindex" : null;
  if (!fn) throw new ExactBloatRefusal("Exact bloat is available for tables and btree indexes only.");
  return `SELECT * FROM ${escapeIdentifier(t.pgstattupleSchema)}.${fn}(${Math.trunc(t.oid)}::oid::regclass)`;
}

type Row = Record<string, number | null>;
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** pgstattuple's or pgstatindex's one row as figures. */
export function shapeExactBloat(t: ExactTarget, s: Row): ExactBloat {
  const name = `${t.schema}.${t.name}`;
  if (TABLE_KINDS.has(t.kind)) {
    const total = num(s.table_len);
    const wasted = num(s.dead_tuple_len) + num(s.free_space);
    return {
      oid: t.oid,
      kind: "table",
      name,
      totalBytes: total,
      wastedBytes: wasted,
      wastedPct: total > 0 ? (100 * wasted) / total : 0,
      details: {
        tupleCount: num(s.tuple_count),
        tupleBytes: num(s.tuple_len),
        deadTupleCount: num(s.dead_tuple_count),
        deadTupleBytes: num(s.dead_tuple_len),
        freeBytes: num(s.free_space),
      },
    };
  }
  const total = num(s.index_size);
  const leafBytes = num(s.leaf_pages) * t.blockSize;
  const emptyBytes = (num(s.empty_pages) + num(s.deleted_pages)) * t.blockSize;
  // avg_leaf_density is NaN (null here) for an index without leaf pages: nothing wasted there.
  const density = s.avg_leaf_density === null || Number.isNaN(Number(s.avg_leaf_density)) ? 100 : Number(s.avg_leaf_density);
  const wasted = Math.round(leafBytes * (1 - density / 100)) + emptyBytes;
  return {
    oid: t.oid,
    kind: "index",
    name,
    totalBytes: total,
    wastedBytes: wasted,
    wastedPct: total > 0 ? (100 * wasted) / total : 0,
    details: {
      leafPages: num(s.leaf_pages),
      internalPages: num(s.internal_pages),
      emptyPages: num(s.empty_pages),
      deletedPages: num(s.deleted_pages),
      avgLeafDensity: s.avg_leaf_density === null ? null : Number(s.avg_leaf_density),
      leafFragmentation: s.leaf_fragmentation === null ? null : Number(s.leaf_fragmentation),
    },
  };
}

/**
 * What the catalog says about a relation for exactBloatStatement and the maintenance statements
 * (one row; none when dropped), and whether the console's role may name it (USAGE on its schema).
 */
export const EXACT_TARGET = /* sql */ `
  SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind, am.amname AS am,
         (SELECT en.nspname FROM pg_extension e JOIN pg_namespace en ON en.oid = e.extnamespace
           WHERE e.extname = 'pgstattuple') AS pgstattuple_schema,
         current_setting('block_size')::int AS block_size, c.relpages::int8 AS relpages,
         has_schema_privilege(n.oid, 'USAGE') AS schema_usage, current_user AS role
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_am am ON am.oid = c.relam
   WHERE c.oid = $1`;

export function toExactTarget(r: Record<string, unknown>): ExactTarget & { relpages: number } {
  return {
    oid: Number(r.oid),
    schema: String(r.schema),
    name: String(r.name),
    kind: String(r.kind),
    am: (r.am as string | null) ?? null,
    pgstattupleSchema: (r.pgstattuple_schema as string | null) ?? null,
    blockSize: Number(r.block_size),
    relpages: Number(r.relpages),
  };
}
