import "server-only";
import { escapeIdentifier } from "pg";
import { FINDINGS_PER_KIND, type IndexFinding, type IndexFindings, type IndexesQuery } from "@/lib/schemas/storage";
import { serverVersionNum } from "./blast-radius";
import { indexDefinitions } from "./size-measure";
import type { SizeSnapshot } from "./size-snapshot";
import { duplicateIndexes, type IndexShape } from "./relations/duplicates";
import { findingsPage, statsWindowWarning } from "./relations/findings-page";
import type { Queryable } from "./types";

// Unused, duplicate and invalid indexes of one database: judged from pg_index for every index
// (shared between viewers by lib/pg/indexes.ts), each viewer shown one page of each kind.

// last_idx_scan exists from PostgreSQL 16 on: the column is named only when the server has it.
export const lastUsed = (version: number, alias: string) => (version >= 160000 ? `${alias}.last_idx_scan` : "NULL::timestamptz");

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
         coalesce(st.idx_scan, 0) AS scans, %LAST% AS last_used,
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
  lastUsed: Date | null;
  beingBuilt: boolean;
}

// Always quoted: the fix statements are copied and run as they are.
function qualifiedName(schema: string, name: string): string {
  return `${escapeIdentifier(schema)}.${escapeIdentifier(name)}`;
}

export interface AllFindings {
  /** every finding, unsorted, without definitions (filled in for the page shown) */
  list: IndexFinding[];
  window: { statsReset: Date | null; started: Date; version: number };
}

/** Unused, duplicate and invalid indexes of the whole database, each with the statement that fixes it. */
export async function allIndexFindings(db: Queryable, sizes?: SizeSnapshot): Promise<AllFindings> {
  const win = (await db.query(STATS_WINDOW)).rows[0];
  const version: number = win?.version ?? (await serverVersionNum(db));
  const { rows } = await db.query(INDEX_SHAPES.replace("%LAST%", lastUsed(version, "st")));
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
    lastUsed: r.last_used,
    beingBuilt: r.being_built,
  }));
  const canReindexConcurrently = version >= 120000;
  const finding = (s: Shape, kind: IndexFinding["kind"], reason: string, fixSql: string[]): IndexFinding => ({
    kind,
    oid: s.oid,
    schema: s.schema,
    table: s.table,
    name: s.name,
    sizeBytes: sizes?.indexes.get(s.oid)?.sizeBytes ?? 0,
    definition: "",
    lastUsed: s.lastUsed ? s.lastUsed.toISOString() : null,
    reason,
    fixSql,
  });
  const drop = (s: Shape) => `DROP INDEX CONCURRENTLY ${qualifiedName(s.schema, s.name)};`;
  const list: IndexFinding[] = [];
  for (const s of shapes) {
    if (!s.valid && !s.beingBuilt) {
      const fix = canReindexConcurrently ? [`REINDEX INDEX CONCURRENTLY ${qualifiedName(s.schema, s.name)};`, drop(s)] : [drop(s)];
      list.push(finding(s, "invalid", "Invalid (a failed CREATE INDEX CONCURRENTLY or REINDEX): it is maintained on every write but never used. Rebuild it, or drop it.", fix));
    } else if (s.valid && s.scans === 0 && !s.unique && !s.primary && !s.backsConstraint) {
      list.push(finding(s, "unused", "Never scanned in the statistics window on this server.", [drop(s)]));
    }
  }
  for (const { redundant, coveredBy } of duplicateIndexes(shapes.filter((s) => !s.beingBuilt))) {
    const f = finding(redundant, "duplicate", `Its key columns are a leading part of "${coveredBy.name}" with the same predicate, expressions, operator classes and collations.`, [drop(redundant)]);
    f.coveredBy = { oid: coveredBy.oid, name: coveredBy.name, definition: "" };
    list.push(f);
  }
  return { list, window: { statsReset: win?.stats_reset ?? null, started: win?.started, version } };
}

export type FindingsOptions = Partial<Pick<IndexesQuery, "findingsLimit" | "unusedOffset" | "duplicateOffset" | "invalidOffset" | "minFindingBytes">>;

/** One page of each kind of finding (largest first), with definitions, counts and the statistics window. */
export async function pagedFindings(db: Queryable, all: AllFindings, opts: FindingsOptions, sizes?: SizeSnapshot): Promise<IndexFindings> {
  const page = findingsPage(all.list, {
    limit: opts.findingsLimit ?? FINDINGS_PER_KIND,
    offsets: { unused: opts.unusedOffset ?? 0, duplicate: opts.duplicateOffset ?? 0, invalid: opts.invalidOffset ?? 0 },
    minBytes: opts.minFindingBytes ?? 0,
  });
  const defined = (oid: number) => sizes?.indexes.get(oid)?.definition ?? "";
  if (sizes) await indexDefinitions(db, sizes, page.findings.flatMap((f) => (f.coveredBy ? [f.oid, f.coveredBy.oid] : [f.oid])));
  // Copies: the cached list is shared by every viewer's page.
  const findings = page.findings.map((f) => ({ ...f, definition: defined(f.oid), ...(f.coveredBy ? { coveredBy: { ...f.coveredBy, definition: defined(f.coveredBy.oid) } } : {}) }));
  const { statsReset, started, version } = all.window;
  const since: Date | null = statsReset ?? started ?? null;
  return {
    ...page,
    findings,
    lastUsedAvailable: version >= 160000,
    windowWarning: statsWindowWarning(since, Date.now()),
    statsSince: since?.toISOString() ?? null,
    statsSinceSource: statsReset ? "stats_reset" : "server_start",
    note:
      "Scans are counted on this server only: an index used by queries on a replica looks unused here — check every replica before dropping. " +
      (statsReset ? "Counted since the last statistics reset." : "Counted since at least the server start (PostgreSQL 15+ keeps statistics across clean restarts)."),
  };
}

/** Unused, duplicate and invalid indexes: one page of each kind, the largest first. */
export async function indexFindings(db: Queryable, sizes?: SizeSnapshot, opts: FindingsOptions = {}): Promise<IndexFindings> {
  return pagedFindings(db, await allIndexFindings(db, sizes), opts, sizes);
}
