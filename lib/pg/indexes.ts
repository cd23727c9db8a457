import "server-only";
import type { IndexFindings, IndexRow, IndexSort, IndexesQuery, IndexesResponse } from "@/lib/schemas/storage";
import { serverVersionNum } from "./blast-radius";
import { resolveDatabase } from "./databases";
import { allIndexFindings, lastUsed, pagedFindings } from "./index-findings";
import { lockInfo } from "./locks";
import { coalescedRead } from "./run";
import { indexDefinitions, measureRelations, sizeNewcomers } from "./size-measure";
import { currentSizes, sizesOrFirstPage, type SizeSnapshot } from "./size-snapshot";
import { applySizes, emptySnapshot } from "./relations/size-model";
import { indexPagedFromSnapshot, snapshotIndexPage } from "./relations/index-page";
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
  const base = INDEXES.replace("%LAST%", lastUsed(await serverVersionNum(db), "s"));
  const sql = `${base} ORDER BY ${ORDER[opts.sort].replaceAll("%", d)}, oid LIMIT $6 OFFSET $7`;
  // For a page's OIDs, only their sizes are sent (not the whole database's 20,000-element arrays).
  const [oids, bytes] = only ? [only, only.map((oid) => sizes.indexes.get(oid)?.sizeBytes ?? 0)] : [sizes.indexOids, sizes.indexSizes];
  const params = [oids, bytes, opts.schema ?? null, opts.q ?? null, only, opts.limit, opts.offset];
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
  const provisional = () =>
    coalescedRead(target, ["indexes", "provisional", JSON.stringify(opts)], async (db) => ({
      ...(await provisionalIndexes(db, opts)),
      sizesAt: Date.now(),
      sizesPending: true,
      readAt: Date.now(),
    }));
  const first = mode.provisional ? await sizesOrFirstPage(target, provisional) : { sizes: await currentSizes(target) };
  if (!first.sizes) return first.page;
  const sizes = first.sizes;
  const findingsOpts = { findingsLimit, unusedOffset, duplicateOffset, invalidOffset, minFindingBytes };
  const page = coalescedRead(target, ["indexes", sizes.takenAt, sizes.applied.size, JSON.stringify(opts)], async (db) => {
    if (indexPagedFromSnapshot(opts)) {
      // An index created since the last look (an index range scan on pg_class): measured first.
      await sizeNewcomers(db, sizes);
      const chosen = snapshotIndexPage(sizes, opts);
      // A dropped index is simply missing from its page until the next snapshot.
      return { rows: (await indexes(db, { ...opts, offset: 0 }, sizes, chosen.oids)).rows, total: chosen.total, readAt: Date.now() };
    }
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
