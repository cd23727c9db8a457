// Bloat ESTIMATES from planner statistics: how many pages the live rows would need if packed
// (reltuples × average row width from pg_stats, plus tuple/page headers, alignment and fillfactor),
// against the pages the relation has (relpages). No table is read. The approach is the one of
// the widely used ioguix/pgsql-bloat-estimation queries; the arithmetic lives here so it can be
// unit-tested. Exact figures need pgstattuple, which reads the whole relation.

const PAGE_HEADER = 24; // PageHeaderData
const ITEM_ID = 4; // line pointer per tuple
const HEAP_TUPLE_HEADER = 23; // HeapTupleHeaderData without the null bitmap
const INDEX_TUPLE_HEADER = 8; // IndexTupleData
const INDEX_NULL_BITMAP = 4; // IndexAttributeBitMapData, present when any key is null
const BTREE_SPECIAL = 16; // BTPageOpaqueData
const MAX_HEAP_TUPLES_PER_PAGE = 291; // for 8 kB pages
const TOAST_CHUNKS_PER_PAGE = 4; // TOAST_MAX_CHUNK_SIZE is chosen so 4 chunks fill a page

export const align = (n: number, to: number) => Math.ceil(n / to) * to;

export interface TableBloatInput {
  reltuples: number;
  relpages: number;
  toastPages: number;
  toastTuples: number;
  fillfactor: number;
  blockSize: number;
  /** MAXALIGN: 8 on 64-bit servers */
  maxAlign: number;
  /** user columns, not dropped */
  columns: number;
  /** Σ (1 − null_frac) × avg_width over the columns that have statistics */
  dataWidth: number;
  hasNulls: boolean;
}

export interface BloatEstimate {
  actualBytes: number;
  expectedBytes: number;
  bloatBytes: number;
  bloatPct: number;
}

function result(actualPages: number, expectedPages: number, blockSize: number): BloatEstimate {
  const actualBytes = actualPages * blockSize;
  const expectedBytes = Math.min(expectedPages, actualPages) * blockSize;
  const bloatBytes = Math.max(0, actualPages - expectedPages) * blockSize;
  return { actualBytes, expectedBytes, bloatBytes, bloatPct: actualBytes > 0 ? (100 * bloatBytes) / actualBytes : 0 };
}

/** Size of one heap tuple with its line pointer, as PostgreSQL lays it out. */
export function heapTupleBytes(i: Pick<TableBloatInput, "columns" | "dataWidth" | "hasNulls" | "maxAlign">): number {
  const header = align(HEAP_TUPLE_HEADER + (i.hasNulls ? Math.ceil(i.columns / 8) : 0), i.maxAlign);
  return header + align(Math.ceil(i.dataWidth), i.maxAlign) + ITEM_ID;
}

export function estimateTableBloat(i: TableBloatInput): BloatEstimate {
  const tuples = Math.max(0, i.reltuples);
  // Inserts leave (100 − fillfactor) % of each page free for updates of the rows on it.
  const usable = (i.blockSize * i.fillfactor) / 100 - PAGE_HEADER;
  const perPage = Math.min(MAX_HEAP_TUPLES_PER_PAGE, Math.max(1, Math.floor(usable / heapTupleBytes(i))));
  const heapPages = Math.ceil(tuples / perPage);
  const toastPages = Math.ceil(Math.max(0, i.toastTuples) / TOAST_CHUNKS_PER_PAGE);
  return result(i.relpages + i.toastPages, heapPages + toastPages, i.blockSize);
}

export interface BtreeBloatInput {
  reltuples: number;
  relpages: number;
  /** btree default 90 */
  fillfactor: number;
  blockSize: number;
  maxAlign: number;
  /** Σ (1 − null_frac) × avg_width over the index columns */
  dataWidth: number;
  hasNulls: boolean;
}

export function btreeTupleBytes(i: Pick<BtreeBloatInput, "dataWidth" | "hasNulls" | "maxAlign">): number {
  const header = align(INDEX_TUPLE_HEADER + (i.hasNulls ? INDEX_NULL_BITMAP : 0), i.maxAlign);
  return align(header + Math.ceil(i.dataWidth), i.maxAlign) + ITEM_ID;
}

/**
 * Leaf pages at fillfactor, plus the internal levels above them and the metapage. Deduplication
 * (PG 13+) can make a real index smaller than this; the estimate then reports no bloat.
 */
export function estimateBtreeBloat(i: BtreeBloatInput): BloatEstimate {
  const tuples = Math.max(0, i.reltuples);
  const tupleBytes = btreeTupleBytes(i);
  const space = i.blockSize - PAGE_HEADER - BTREE_SPECIAL;
  const leafPerPage = Math.max(1, Math.floor((space * i.fillfactor) / 100 / tupleBytes));
  // Internal pages are filled to 70 % (BTREE_NONLEAF_FILLFACTOR) with one downlink per child page.
  const internalPerPage = Math.max(2, Math.floor((space * 70) / 100 / tupleBytes));
  let pages = Math.max(1, Math.ceil(tuples / leafPerPage));
  let level = pages;
  while (level > 1) {
    level = Math.ceil(level / internalPerPage);
    pages += level;
  }
  return result(i.relpages, pages + 1, i.blockSize);
}

export type StatisticsState = "ok" | "missing" | "stale" | "hidden";

/**
 * "missing": never analyzed, or some columns have no pg_stats row (the width is then unknown and
 * the estimate too low); "stale": more rows changed since the last ANALYZE than autoanalyze's
 * default trigger (50 + 10 % of the table); "hidden": pg_stats shows a table's statistics only to
 * roles that may SELECT it, so for the console's role the widths are unknown (not "never analyzed").
 */
export function statisticsState(s: {
  readable?: boolean;
  reltuples: number;
  columns: number;
  columnsWithStats: number;
  lastAnalyzed: Date | null;
  modSinceAnalyze: number | null;
}): StatisticsState {
  if (s.readable === false && s.columnsWithStats < s.columns) return "hidden";
  if (s.reltuples < 0 || s.lastAnalyzed === null || s.columnsWithStats < s.columns) return "missing";
  if ((s.modSinceAnalyze ?? 0) > 50 + 0.1 * Math.max(0, s.reltuples)) return "stale";
  return "ok";
}
