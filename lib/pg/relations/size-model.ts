import type { RelationLock } from "../locks";

// The size snapshot of one database, kept per relation FILE SET (heap, TOAST, each index) so that
// a few relations can be measured again and their tables' totals recomputed without measuring
// the other 10,000. Pure data handling: no database access (lib/pg/size-snapshot.ts measures).

/** One row of lib/pg/size-snapshot.ts's RELATION_SIZES. */
export interface SizeRow {
  oid: number;
  /** pg_class.relkind: r, m, p (tables), t (TOAST), i (index) */
  relkind: string;
  schema: string;
  name: string;
  /** pg_class.reltoastrelid (0: none) */
  toast_oid: number;
  /** pg_index.indrelid for an index */
  index_of: number | null;
  /** sized from relpages because the relation is locked */
  estimated: boolean;
  bytes: number;
}

type PartKind = "table" | "toast" | "index";

/**
 * Which table each row counts towards, as pg_total_relation_size counts: a TOAST table towards
 * the table that owns it, a TOAST table's index as TOAST too. Owners come from the same batch or,
 * when only an index is measured again, from the snapshot. Done here rather than by joining
 * pg_class on reltoastrelid (unindexed) in SQL. null: not a user table's (skipped).
 */
function place(snap: SizeSnapshot, rows: SizeRow[]): Map<number, { part: PartKind; owner: number }> {
  const toastOwner = new Map<number, number>();
  for (const r of rows) if ((r.relkind === "r" || r.relkind === "m" || r.relkind === "p") && r.toast_oid) toastOwner.set(r.toast_oid, r.oid);
  const ownerOfToast = (oid: number) => toastOwner.get(oid) ?? (snap.parts.get(oid)?.part === "toast" ? snap.parts.get(oid)!.owner : undefined);
  const out = new Map<number, { part: PartKind; owner: number }>();
  const batchTables = new Set(rows.filter((r) => r.relkind !== "t" && r.relkind !== "i").map((r) => r.oid));
  for (const r of rows) {
    if (r.relkind === "t") {
      const owner = ownerOfToast(r.oid);
      if (owner !== undefined) out.set(r.oid, { part: "toast", owner });
    } else if (r.relkind === "i") {
      if (r.index_of === null) continue;
      if (batchTables.has(r.index_of) || snap.tables.has(r.index_of)) out.set(r.oid, { part: "index", owner: r.index_of });
      else {
        const owner = ownerOfToast(r.index_of);
        if (owner !== undefined) out.set(r.oid, { part: "toast", owner });
      }
    } else out.set(r.oid, { part: "table", owner: r.oid });
  }
  return out;
}

interface Part {
  oid: number;
  part: PartKind;
  owner: number;
  bytes: number;
  lock: RelationLock | null;
}

export interface TableSizes {
  oid: number;
  schema: string;
  name: string;
  totalBytes: number;
  heapBytes: number;
  indexBytes: number;
  toastBytes: number;
  /** a lock on the table, its TOAST or one of its indexes made part of the figure an estimate */
  lock: RelationLock | null;
  sizeExact: boolean;
}

export interface IndexSnapshotEntry {
  oid: number;
  tableOid: number;
  sizeBytes: number;
  definition: string;
  /** false while the index or its table is locked (pg_get_indexdef would wait) */
  definitionKnown: boolean;
  /** the index's own lock, else its table's when that kept the definition from being read */
  lock: RelationLock | null;
  sizeExact: boolean;
}

export interface SizeSnapshot {
  /** current_database(): a job names its database, the default target does not */
  database: string;
  /** when measuring began: a job that ended after it may have changed what was measured */
  startedAt: number;
  takenAt: number;
  tables: Map<number, TableSizes>;
  indexes: Map<number, IndexSnapshotEntry>;
  /** oids and total sizes as parallel arrays, to hand to SQL as two parameters */
  tableOids: number[];
  tableTotals: number[];
  indexOids: number[];
  indexSizes: number[];
  parts: Map<number, Part>;
  byOwner: Map<number, Set<number>>;
  /**
   * the highest OID held: OIDs come from one cluster-wide counter, so a relation created since
   * has a higher one (lib/pg/size-snapshot.ts looks for those on every poll)
   */
  newestOid: number;
  /** relations a finished job changed (forgotten): measured again on next sight */
  pending: Set<number>;
  /** ids of the job "forgets" already applied (lib/pg/size-snapshot.ts) */
  applied: Set<number>;
  /** relations to measure again on next sight: estimated, or an index whose definition is unknown */
  lockedParts(): Set<number>;
}

export function emptySnapshot(database: string, startedAt: number): SizeSnapshot {
  const snap: SizeSnapshot = {
    database,
    startedAt,
    takenAt: startedAt,
    tables: new Map(),
    indexes: new Map(),
    tableOids: [],
    tableTotals: [],
    indexOids: [],
    indexSizes: [],
    newestOid: 0,
    pending: new Set(),
    parts: new Map(),
    byOwner: new Map(),
    applied: new Set(),
    lockedParts: () => {
      const out = new Set<number>();
      for (const p of snap.parts.values()) if (p.lock) out.add(p.part === "toast" ? p.owner : p.oid);
      for (const i of snap.indexes.values()) if (!i.definitionKnown) out.add(i.oid);
      return out;
    },
  };
  return snap;
}

/** Every OID the snapshot holds. */
export function knownOids(snap: SizeSnapshot): number[] {
  return [...snap.parts.keys()];
}

/** The tables and (non-TOAST) indexes held: their count and OID sum, to compare with the catalog's. */
export function fingerprint(snap: SizeSnapshot): { n: number; s: number; oids: number[] } {
  const oids = [...snap.parts.values()].filter((p) => p.part !== "toast").map((p) => p.oid);
  return { n: oids.length, s: oids.reduce((a, b) => a + b, 0), oids };
}

function removePart(snap: SizeSnapshot, oid: number) {
  const p = snap.parts.get(oid);
  if (!p) return;
  snap.parts.delete(oid);
  snap.byOwner.get(p.owner)?.delete(oid);
  snap.indexes.delete(oid);
}

/** Merges measured rows into the snapshot and recomputes the totals of the tables they belong to. */
export function applySizes(
  snap: SizeSnapshot,
  rows: SizeRow[],
  definitions: Map<number, string | null>,
  locks: Map<number, RelationLock>,
) {
  const touched = new Set<number>();
  const placed = place(snap, rows);
  // A table measured again brings all its parts: indexes dropped since must not stay counted.
  for (const r of rows) {
    if (placed.get(r.oid)?.part !== "table") continue;
    for (const oid of [...(snap.byOwner.get(r.oid) ?? [])]) removePart(snap, oid);
  }
  for (const r of rows) {
    const at = placed.get(r.oid);
    if (!at) continue; // a TOAST table or index whose owner is not a user table
    removePart(snap, r.oid);
    const lock = r.estimated ? (locks.get(r.oid) ?? { pid: null, granted: true, query: null }) : null;
    snap.parts.set(r.oid, { oid: r.oid, part: at.part, owner: at.owner, bytes: r.bytes, lock });
    let owned = snap.byOwner.get(at.owner);
    if (!owned) snap.byOwner.set(at.owner, (owned = new Set()));
    owned.add(r.oid);
    touched.add(at.owner);
    if (at.part === "table") {
      const t = snap.tables.get(r.oid);
      if (t) Object.assign(t, { schema: r.schema, name: r.name });
      else snap.tables.set(r.oid, { oid: r.oid, schema: r.schema, name: r.name, totalBytes: 0, heapBytes: 0, indexBytes: 0, toastBytes: 0, lock: null, sizeExact: true });
    }
  }
  for (const r of rows) {
    const at = placed.get(r.oid);
    if (at?.part !== "index") continue;
    const def = definitions.get(r.oid);
    const previous = snap.indexes.get(r.oid);
    const ownLock = snap.parts.get(r.oid)?.lock ?? null;
    snap.indexes.set(r.oid, {
      oid: r.oid,
      tableOid: at.owner,
      sizeBytes: r.bytes,
      definition: def ?? previous?.definition ?? "",
      definitionKnown: def !== null,
      lock: ownLock ?? (def === null ? (locks.get(at.owner) ?? null) : null),
      sizeExact: ownLock === null,
    });
  }
  for (const owner of touched) recompute(snap, owner);
  rebuildArrays(snap);
}

function recompute(snap: SizeSnapshot, owner: number) {
  const t = snap.tables.get(owner);
  if (!t) return;
  let heap = 0;
  let toast = 0;
  let index = 0;
  let lock: RelationLock | null = null;
  let heapLock: RelationLock | null = null;
  for (const oid of snap.byOwner.get(owner) ?? []) {
    const p = snap.parts.get(oid)!;
    if (p.part === "table") {
      heap += p.bytes;
      heapLock = p.lock;
    } else if (p.part === "toast") toast += p.bytes;
    else index += p.bytes;
    lock ??= p.lock;
  }
  // The table's own lock is the one to name; an index's or TOAST's only when the table has none.
  Object.assign(t, { heapBytes: heap, toastBytes: toast, indexBytes: index, totalBytes: heap + toast + index, lock: heapLock ?? lock, sizeExact: lock === null });
}

function rebuildArrays(snap: SizeSnapshot) {
  const tables = [...snap.tables.values()];
  const indexes = [...snap.indexes.values()];
  snap.tableOids = tables.map((t) => t.oid);
  snap.tableTotals = tables.map((t) => t.totalBytes);
  snap.indexOids = indexes.map((i) => i.oid);
  snap.indexSizes = indexes.map((i) => i.sizeBytes);
  // Never lowered: a relation dropped since does not make older OIDs look new.
  for (const oid of snap.parts.keys()) if (oid > snap.newestOid) snap.newestOid = oid;
}

/**
 * Drops relations (tables with their TOAST and indexes, or single indexes) to be measured again
 * (snap.pending), or for good when `gone` (dropped from the catalog).
 */
export function forgetRelations(snap: SizeSnapshot, relids: number[], opts: { gone?: boolean } = {}) {
  const touched = new Set<number>();
  for (const relid of relids) {
    if (!opts.gone && (snap.tables.has(relid) || snap.parts.has(relid))) snap.pending.add(relid);
    if (snap.tables.has(relid)) {
      for (const oid of [...(snap.byOwner.get(relid) ?? [])]) removePart(snap, oid);
      snap.byOwner.delete(relid);
      snap.tables.delete(relid);
    } else {
      const p = snap.parts.get(relid);
      if (!p) continue;
      removePart(snap, relid);
      touched.add(p.owner);
    }
  }
  for (const owner of touched) recompute(snap, owner);
  rebuildArrays(snap);
}
