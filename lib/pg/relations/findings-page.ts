import type { IndexFinding, IndexFindings } from "@/lib/schemas/storage";

// Index findings are judged for every index of the database (cached ~10 s), then each request
// takes one page of each kind, largest first, above a minimum size: the DBA's question is "which
// index is worth dropping first", and 10,000 findings (3 MB per poll) answered nothing.
// Pure: no database access (lib/pg/indexes.ts judges and fills in definitions).

export type FindingKind = IndexFinding["kind"];
export const FINDING_KINDS: FindingKind[] = ["invalid", "duplicate", "unused"];

export interface FindingsPageOptions {
  /** per kind */
  limit: number;
  offsets: Record<FindingKind, number>;
  /** findings smaller than this are counted in `totals` only */
  minBytes: number;
}

const bySizeDesc = (a: IndexFinding, b: IndexFinding) =>
  b.sizeBytes - a.sizeBytes || (a.schema < b.schema ? -1 : a.schema > b.schema ? 1 : 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || a.oid - b.oid;

/** One page of each kind (largest first) with the counts above the minimum size and in all. */
export function findingsPage(all: IndexFinding[], opts: FindingsPageOptions): Pick<IndexFindings, "findings" | "counts" | "totals" | "offsets"> {
  const counts = { unused: 0, duplicate: 0, invalid: 0 };
  const totals = { unused: 0, duplicate: 0, invalid: 0 };
  const kept: Record<FindingKind, IndexFinding[]> = { unused: [], duplicate: [], invalid: [] };
  for (const f of all) {
    totals[f.kind]++;
    if (f.sizeBytes < opts.minBytes) continue;
    counts[f.kind]++;
    kept[f.kind].push(f);
  }
  const findings: IndexFinding[] = [];
  const offsets = { unused: 0, duplicate: 0, invalid: 0 };
  for (const kind of FINDING_KINDS) {
    const list = kept[kind].sort(bySizeDesc);
    // Past the end (the list shrank since the link was made): the last page, said in `offsets`.
    const lastPage = Math.max(0, Math.ceil(list.length / opts.limit) - 1) * opts.limit;
    const from = Math.min(opts.offsets[kind], lastPage);
    offsets[kind] = from;
    findings.push(...list.slice(from, from + opts.limit));
  }
  return { findings, counts, totals, offsets };
}

/** Shorter than this, "never scanned" says little: a weekly report's index looks unused. */
export const MIN_STATS_WINDOW_MS = 7 * 24 * 3600_000;

/** The warning to show when the statistics window is too short to call an index unused. */
export function statsWindowWarning(since: Date | null, now: number): string | null {
  if (!since) return "The start of the statistics window is unknown: do not drop an index only because it shows no scans.";
  const age = now - since.getTime();
  if (age >= MIN_STATS_WINDOW_MS) return null;
  const hours = Math.max(0, Math.floor(age / 3600_000));
  const span = hours < 48 ? `${hours} h` : `${Math.floor(hours / 24)} days`;
  return `Statistics cover only ${span} (less than 7 days): an index used by a weekly or monthly job looks unused. Wait before dropping any.`;
}
