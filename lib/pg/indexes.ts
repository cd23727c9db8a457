import "server-only";
import { escapeIdentifier } from "pg";
import { FINDINGS_PER_KIND, type IndexFinding, type IndexFindings, type IndexRow, type IndexSort, type IndexesQuery, type IndexesResponse } from "@/lib/schemas/storage";
import { resolveDatabase } from "./databases";
import { lockInfo } from "./locks";
import { coalescedRead } from "./run";
import { currentSizes, indexDefinitions, measureRelations, readySizes, sizeNewcomers, type SizeSnapshot } from "./size-snapshot";
import { applySizes, emptySnapshot } from "./relations/size-model";
import { duplicateIndexes, type IndexShape } from "./relations/duplicates";
import { findingsPage, statsWindowWarning } from "./relations/findings-page";
import type { Queryable } from "./types";

// Sizes and definitions come from the snapshot, which measures an index created since on first
// sight (lib/pg/size-snapshot.ts currentSizes) without waiting on a locked table.
const INDEXES = /* sql */ `
  WITH sz AS (SELECT * FROM unnest($1::oid[], $2::int8[]) AS s(relid, size_bytes))
  SELECT s.indexrelid AS oid, s.schemaname AS schema, s.relname AS table, s.relid AS table_oid,
         s.indexrelname AS name, coalesce(s.idx_scan, 0) AS scans,
         coalesce(s.idx_tup_read, 0) AS tuples_read, coalesce(s.idx_tup_fetch, 0) AS tuples_fetched,
         coalesce(sz.size_bytes, 0) AS size_bytes, %LAST% AS last_used,
         i.indisunique AS unique, i.indisprimary AS primary, i.indisvalid AS valid,
         count(*) OVER () AS total_count
    FROM pg_stat_user_indexes s
    JOIN pg_index i ON i.indexrelid = s.indexrelid
    LEFT JOIN sz ON sz.relid = s.indexrelid
   WHERE ($3::text IS NULL OR s.schemaname = $3)
     AND ($4::text IS NULL OR strpos(lower(s.indexrelname), lower($4)) > 0 OR strpos(lower(s.relname), lower($4)) > 0)
     AND ($5::oid[] IS NULL OR s.indexrelid = ANY($5::oid[]))`;

// last_idx_scan exists from PostgreSQL 16 on: the column is named only when the server has it.
const lastUsed = (version: number, alias: string) => (version >= 160000 ? `${alias}.last_idx_scan` : "NULL::timestamptz");
const VERSION = /* sql */ `SELECT current_setting('server_version_num')::int AS version`;
export async function serverVersion(db: Queryable): Promise<number> {
  return (await db.query(VERSION)).rows[0].version;
}

const ORDER: Record<IndexSort, string> = {
  name: "schema %, name %",
  table: "schema %, \"table\" %, name %",
  size: "size_bytes %",
  scans: "scans %",
  tuples_read: "tuples_read %",
  tuples_fetched: "tuples_fetched %",
};

export type IndexesOptions = Pick<IndexesQuery, "sort" | "dir" | "schema" | "q" | "limit" | "offset">;

/** One page of indexes; `only`: among these OIDs alone (a provisional page's, measured alone). */
export async function indexes(db: Queryable, opts: IndexesOptions, sizes: SizeSnapshot, only: number[] | null = null): Promise<{ rows: IndexRow[]; total: number }> {
  const d = opts.dir === "asc" ? "ASC NULLS FIRST" : "DESC NULLS LAST";
  const base = INDEXES.replace("%LAST%", lastUsed(await serverVersion(db), "s"));
  const sql = `${base} ORDER BY ${ORDER[opts.sort].replaceAll("%", d)}, oid LIMIT $6 OFFSET $7`;
  const params = [sizes.indexOids, sizes.indexSizes, opts.schema ?? null, opts.q ?? null, only, opts.limit, opts.offset];
  let { rows } = await db.query(sql, params);
  let total = rows[0]?.total_count;
  if (total === undefined) total = opts.offset > 0 ? (await db.query(`SELECT count(*) AS n FROM (${base}) x`, params.slice(0, 5))).rows[0].n : 0;
  await indexDefinitions(db, sizes, rows.map((r) => r.oid));
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
      lastUsed: r.last_used ? (r.last_used as Date).toISOString() : null,
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

export function qualifiedName(schema: string, name: string): string {
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
  const version: number = win?.version ?? (await serverVersion(db));
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

// The first look at a database, before its size snapshot exists: by size, one page chosen from
// the pages the catalog records for each index (as of the last VACUUM/ANALYZE), then measured alone.
const CATALOG_PAGE = /* sql */ `
  SELECT c.oid, i.indrelid AS table_oid, count(*) OVER () AS total_count
    FROM pg_index i
    JOIN pg_class c ON c.oid = i.indexrelid
    JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = t.relnamespace
   WHERE t.relkind IN ('r', 'm', 'p') AND t.relpersistence <> 't'
     AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_t(emp_|oast)'
     AND ($1::text IS NULL OR n.nspname = $1)
     AND ($2::text IS NULL OR strpos(lower(c.relname), lower($2)) > 0 OR strpos(lower(t.relname), lower($2)) > 0)
   ORDER BY c.relpages %DIR%, c.oid
   LIMIT $3 OFFSET $4`;

/** A page measured alone (sizesPending), while the whole database's snapshot is computed. */
async function provisionalIndexes(db: Queryable, opts: IndexesOptions): Promise<{ rows: IndexRow[]; total: number }> {
  let chosen: { oid: number; tableOid: number }[];
  let total: number;
  if (opts.sort === "size") {
    const sql = CATALOG_PAGE.replace("%DIR%", opts.dir === "asc" ? "ASC" : "DESC");
    const { rows } = await db.query(sql, [opts.schema ?? null, opts.q ?? null, opts.limit, opts.offset]);
    [chosen, total] = [rows.map((r) => ({ oid: r.oid, tableOid: r.table_oid })), rows[0]?.total_count ?? 0];
  } else {
    // Sorted by name or a statistics counter: the SQL chooses the page, sizes unknown yet.
    const page = await indexes(db, opts, emptySnapshot("", Date.now()));
    [chosen, total] = [page.rows, page.total];
  }
  if (chosen.length === 0) return { rows: [], total };
  // Measured through their tables (the snapshot places an index under its table): at most one
  // page's tables, with their TOAST and indexes.
  const snap = emptySnapshot("", Date.now());
  const m = await measureRelations(db, { only: [...new Set(chosen.map((r) => r.tableOid))] });
  applySizes(snap, m.rows, new Map(), m.locks);
  // Ordered within the page by the sizes just measured (and their definitions read).
  const page = await indexes(db, { ...opts, offset: 0 }, snap, chosen.map((r) => r.oid));
  return { rows: page.rows, total };
}

type WithFindings = IndexesResponse & { findings: IndexFindings };

/**
 * The indexes page of one database of a server. `provisional` (the page's server render): never
 * waits for the whole database — before the first snapshot the page is measured alone
 * (sizesPending), and the findings (judging every index) come with the first poll unless they are
 * already at hand. Without it (the route) the cold snapshot and the findings are waited for.
 */
export async function indexesPage(server: string, query: IndexesQuery): Promise<WithFindings>;
export async function indexesPage(server: string, query: IndexesQuery, mode: { provisional?: boolean }): Promise<IndexesResponse>;
export async function indexesPage(server: string, query: IndexesQuery, mode: { provisional?: boolean } = {}): Promise<IndexesResponse> {
  const { db: dbName, findingsLimit, unusedOffset, duplicateOffset, invalidOffset, minFindingBytes, ...opts } = query;
  const target = await resolveDatabase(server, dbName);
  const ready = mode.provisional ? await readySizes(target) : await currentSizes(target);
  if (!ready) {
    return coalescedRead(target, ["indexes", "provisional", JSON.stringify(opts)], async (db) => ({
      ...(await provisionalIndexes(db, opts)),
      sizesAt: Date.now(),
      sizesPending: true,
      readAt: Date.now(),
    }));
  }
  const sizes = ready;
  const findingsOpts = { findingsLimit, unusedOffset, duplicateOffset, invalidOffset, minFindingBytes };
  const page = coalescedRead(target, ["indexes", sizes.takenAt, sizes.applied.size, JSON.stringify(opts)], async (db) => {
    let page = await indexes(db, opts, sizes);
    // An index created since the last look: measured (and deparsed) now.
    if (page.rows.some((r) => !sizes.indexes.has(r.oid)) && (await sizeNewcomers(db, sizes)) > 0) page = await indexes(db, opts, sizes);
    return { ...page, readAt: Date.now() };
  });
  // Judging every index is shared for the "index-findings" lifetime; each viewer's page of it is cut per request.
  const findings = coalescedRead(target, ["index-findings", sizes.takenAt], (db) => allIndexFindings(db, sizes)).then((all) =>
    coalescedRead(target, ["indexes", "findings-page", sizes.takenAt, JSON.stringify(findingsOpts)], (db) => pagedFindings(db, all, findingsOpts, sizes)),
  );
  if (!mode.provisional) {
    const [p, f] = await Promise.all([page, findings]);
    return { ...p, findings: f, sizesAt: sizes.takenAt };
  }
  // The first view: the findings only if already computed (a cached read answers within a tick);
  // otherwise they go on in the background (their failure is the first poll's to show).
  const atHand = await Promise.race([findings.catch(() => undefined), new Promise<undefined>((r) => setTimeout(r, 0))]);
  return { ...(await page), ...(atHand ? { findings: atHand } : {}), sizesAt: sizes.takenAt };
}
