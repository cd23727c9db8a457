import "server-only";
import { escapeIdentifier } from "pg";
import { FINDINGS_PER_KIND, type IndexFinding, type IndexFindings, type IndexRow, type IndexSort, type IndexesQuery, type IndexesResponse } from "@/lib/schemas/storage";
import { resolveDatabase } from "./databases";
import { lockInfo } from "./locks";
import { coalescedRead } from "./run";
import { currentSizes, sizeNewcomers, type SizeSnapshot } from "./size-snapshot";
import { duplicateIndexes, type IndexShape } from "./storage/duplicates";
import type { Queryable } from "./types";

// Sizes and definitions come from the snapshot, which measures an index created since on first
// sight (lib/pg/size-snapshot.ts currentSizes) without waiting on a locked table.
const INDEXES = /* sql */ `
  WITH sz AS (SELECT * FROM unnest($1::oid[], $2::int8[]) AS s(relid, size_bytes))
  SELECT s.indexrelid AS oid, s.schemaname AS schema, s.relname AS table, s.relid AS table_oid,
         s.indexrelname AS name, coalesce(s.idx_scan, 0) AS scans,
         coalesce(s.idx_tup_read, 0) AS tuples_read, coalesce(s.idx_tup_fetch, 0) AS tuples_fetched,
         coalesce(sz.size_bytes, 0) AS size_bytes,
         i.indisunique AS unique, i.indisprimary AS primary, i.indisvalid AS valid,
         count(*) OVER () AS total_count
    FROM pg_stat_user_indexes s
    JOIN pg_index i ON i.indexrelid = s.indexrelid
    LEFT JOIN sz ON sz.relid = s.indexrelid
   WHERE ($3::text IS NULL OR s.schemaname = $3)
     AND ($4::text IS NULL OR strpos(lower(s.indexrelname), lower($4)) > 0 OR strpos(lower(s.relname), lower($4)) > 0)`;

const ORDER: Record<IndexSort, string> = {
  name: "schema %, name %",
  table: "schema %, \"table\" %, name %",
  size: "size_bytes %",
  scans: "scans %",
  tuples_read: "tuples_read %",
  tuples_fetched: "tuples_fetched %",
};

export type IndexesOptions = Omit<IndexesQuery, "db">;

export async function indexes(db: Queryable, opts: IndexesOptions, sizes: SizeSnapshot): Promise<{ rows: IndexRow[]; total: number }> {
  const d = opts.dir === "asc" ? "ASC NULLS FIRST" : "DESC NULLS LAST";
  const sql = `${INDEXES} ORDER BY ${ORDER[opts.sort].replaceAll("%", d)}, oid LIMIT $5 OFFSET $6`;
  const params = [sizes.indexOids, sizes.indexSizes, opts.schema ?? null, opts.q ?? null, opts.limit, opts.offset];
  let { rows } = await db.query(sql, params);
  let total = rows[0]?.total_count;
  if (total === undefined) total = opts.offset > 0 ? (await db.query(`SELECT count(*) AS n FROM (${INDEXES}) x`, params.slice(0, 4))).rows[0].n : 0;
  rows = rows.map(
    (r): IndexRow => ({
      oid: r.oid,
      schema: r.schema,
      table: r.table,
      tableOid: r.table_oid,
      name: r.name,
      scans: r.scans,
      tuplesRead: r.tuples_read,
      tuplesFetched: r.tuples_fetched,
      sizeBytes: r.size_bytes,
      unique: r.unique,
      primary: r.primary,
      valid: r.valid,
      definition: sizes.indexes.get(r.oid)?.definition ?? "",
      sizeExact: sizes.indexes.get(r.oid)?.sizeExact ?? true,
      lock: lockInfo(sizes.indexes.get(r.oid)?.lock),
    }),
  );
  return { rows, total };
}

// Everything needed to judge each index, from pg_index itself (not parsed from definitions).
// The IN (subquery) forms are hashed once: pg_constraint has no index on conindid, and a
// correlated EXISTS would scan it once per index (quadratic at 20,000 indexes).
// An invalid index is skipped while CREATE INDEX CONCURRENTLY is still building it; early in a
// build index_relid is still 0, so a build on the same table counts too.
const INDEX_SHAPES = /* sql */ `
  SELECT i.indexrelid AS oid, i.indrelid AS table_oid, n.nspname AS schema, t.relname AS table,
         ic.relname AS name, am.amname AS am, i.indisunique AS unique, i.indisprimary AS primary,
         i.indisvalid AS valid, i.indnkeyatts AS nkey,
         i.indkey::int2[] AS keys, i.indclass::oid[]::text[] AS classes,
         i.indcollation::oid[]::text[] AS collations, i.indoption::int2[] AS options,
         i.indexprs::text AS exprs, i.indpred::text AS pred,
         coalesce(st.idx_scan, 0) AS scans,
         i.indexrelid IN (SELECT conindid FROM pg_constraint WHERE contype IN ('p', 'u', 'x')) AS backs_constraint,
         (NOT i.indisvalid AND (i.indexrelid IN (SELECT index_relid FROM pg_stat_progress_create_index)
                                OR i.indrelid IN (SELECT relid FROM pg_stat_progress_create_index WHERE index_relid = 0))) AS being_built
    FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
    JOIN pg_am am ON am.oid = ic.relam
    LEFT JOIN pg_stat_user_indexes st ON st.indexrelid = i.indexrelid
   WHERE t.relkind IN ('r', 'm', 'p') AND t.relpersistence <> 't'
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'`;

const STATS_WINDOW = /* sql */ `
  SELECT d.stats_reset, pg_postmaster_start_time() AS started,
         current_setting('server_version_num')::int AS version
    FROM pg_stat_database d WHERE d.datname = current_database()`;

interface Shape extends IndexShape {
  schema: string;
  table: string;
  name: string;
  scans: number;
  beingBuilt: boolean;
}

export function qualifiedName(schema: string, name: string): string {
  return `${escapeIdentifier(schema)}.${escapeIdentifier(name)}`;
}

/** Unused, duplicate and invalid indexes, each with the statement that fixes it. */
export async function indexFindings(db: Queryable, sizes?: SizeSnapshot): Promise<IndexFindings> {
  const [{ rows }, win] = [await db.query(INDEX_SHAPES), (await db.query(STATS_WINDOW)).rows[0]];
  const shapes: Shape[] = rows.map((r) => ({
    oid: r.oid,
    tableOid: r.table_oid,
    schema: r.schema,
    table: r.table,
    name: r.name,
    am: r.am,
    unique: r.unique,
    primary: r.primary,
    valid: r.valid,
    backsConstraint: r.backs_constraint,
    nkey: r.nkey,
    keys: r.keys,
    classes: r.classes,
    collations: r.collations,
    options: r.options,
    exprs: r.exprs,
    pred: r.pred,
    scans: r.scans,
    beingBuilt: r.being_built,
  }));
  const canReindexConcurrently = (win?.version ?? 0) >= 120000;
  const finding = (s: Shape, kind: IndexFinding["kind"], reason: string, fixSql: string[]): IndexFinding => ({
    kind,
    oid: s.oid,
    schema: s.schema,
    table: s.table,
    name: s.name,
    sizeBytes: sizes?.indexes.get(s.oid)?.sizeBytes ?? 0,
    definition: sizes?.indexes.get(s.oid)?.definition ?? "",
    reason,
    fixSql,
  });
  const drop = (s: Shape) => `DROP INDEX CONCURRENTLY ${qualifiedName(s.schema, s.name)};`;
  const findings: IndexFinding[] = [];
  for (const s of shapes) {
    if (!s.valid && !s.beingBuilt) {
      const fix = canReindexConcurrently ? [`REINDEX INDEX CONCURRENTLY ${qualifiedName(s.schema, s.name)};`, drop(s)] : [drop(s)];
      findings.push(finding(s, "invalid", "Invalid (a failed CREATE INDEX CONCURRENTLY or REINDEX): it is maintained on every write but never used. Rebuild it, or drop it.", fix));
    } else if (s.valid && s.scans === 0 && !s.unique && !s.primary && !s.backsConstraint) {
      findings.push(finding(s, "unused", "Never scanned in the statistics window on this server.", [drop(s)]));
    }
  }
  for (const { redundant, coveredBy } of duplicateIndexes(shapes.filter((s) => !s.beingBuilt))) {
    const f = finding(redundant, "duplicate", `Its key columns are a leading part of "${coveredBy.name}" with the same predicate, expressions, operator classes and collations.`, [drop(redundant)]);
    f.coveredBy = { oid: coveredBy.oid, name: coveredBy.name, definition: sizes?.indexes.get(coveredBy.oid)?.definition ?? "" };
    findings.push(f);
  }
  const fromReset = win?.stats_reset != null;
  const counts = { unused: 0, duplicate: 0, invalid: 0 };
  for (const f of findings) counts[f.kind]++;
  return {
    findings: largestPerKind(findings),
    counts,
    statsSince: ((fromReset ? win.stats_reset : win?.started) as Date | undefined)?.toISOString() ?? null,
    statsSinceSource: fromReset ? "stats_reset" : "server_start",
    note:
      "Scans are counted on this server only: an index used by queries on a replica looks unused here — check every replica before dropping. " +
      (fromReset ? "Counted since the last statistics reset." : "Counted since at least the server start (PostgreSQL 15+ keeps statistics across clean restarts)."),
  };
}

/** The FINDINGS_PER_KIND largest of each kind (the ones worth acting on first). */
function largestPerKind(findings: IndexFinding[]): IndexFinding[] {
  const sorted = [...findings].sort((a, b) => b.sizeBytes - a.sizeBytes || a.schema.localeCompare(b.schema) || a.name.localeCompare(b.name));
  const kept = { unused: 0, duplicate: 0, invalid: 0 };
  return sorted.filter((f) => ++kept[f.kind] <= FINDINGS_PER_KIND);
}

/** The indexes page of one database of a server, for the route. */
export async function indexesPage(server: string, query: IndexesQuery): Promise<IndexesResponse> {
  const { db: dbName, ...opts } = query;
  const target = await resolveDatabase(server, dbName);
  const sizes = await currentSizes(target);
  const [page, findings] = await Promise.all([
    coalescedRead(target, ["indexes", sizes.takenAt, sizes.applied.size, JSON.stringify(opts)], async (db) => {
      let page = await indexes(db, opts, sizes);
      // An index created since the last look: measured (and deparsed) now.
      if (page.rows.some((r) => !sizes.indexes.has(r.oid)) && (await sizeNewcomers(db, sizes)) > 0) page = await indexes(db, opts, sizes);
      return { ...page, readAt: Date.now() };
    }),
    coalescedRead(target, ["index-findings", sizes.takenAt], (db) => indexFindings(db, sizes)),
  ]);
  return { ...page, findings, sizesAt: sizes.takenAt };
}
