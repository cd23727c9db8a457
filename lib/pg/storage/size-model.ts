import type { RelationLock } from "../locks";

// The size snapshot of one database, kept per relation FILE SET (heap, TOAST, each index) so that
// a few relations can be measured again and their tables' totals recomputed without measuring
// the other 10,000. Pure data handling: no database access (lib/pg/size-snapshot.ts measures).

/** One row of lib/pg/size-snapshot.ts's RELATION_SIZES. */
export interface SizeRow {
  oid: number;
  relkind: string;
  schema: string;
  name: string;
  /** the table this relation's bytes count towards (itself for a table); null: an orphan */
  owner: number | null;
  part: "table" | "toast" | "index";
  /** sized from relpages because the relation is locked */
  estimated: boolean;
  bytes: number;
}

interface Part {
  oid: number;
  part: SizeRow["part"];
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

/** Every OID the snapshot holds (to find the ones it lacks). */
export function knownOids(snap: SizeSnapshot): number[] {
  return [...snap.parts.keys()];
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
  // A table measured again brings all its parts: indexes dropped since must not stay counted.
  for (const r of rows) {
    if (r.part !== "table") continue;
    for (const oid of [...(snap.byOwner.get(r.oid) ?? [])]) removePart(snap, oid);
  }
  for (const r of rows) {
    if (r.owner === null) continue; // a TOAST table whose owner is not a user table
    removePart(snap, r.oid);
    const lock = r.estimated ? (locks.get(r.oid) ?? { pid: null, granted: true, query: null }) : null;
    snap.parts.set(r.oid, { oid: r.oid, part: r.part, owner: r.owner, bytes: r.bytes, lock });
    let owned = snap.byOwner.get(r.owner);
    if (!owned) snap.byOwner.set(r.owner, (owned = new Set()));
    owned.add(r.oid);
    touched.add(r.owner);
    if (r.part === "table") {
      const t = snap.tables.get(r.oid);
      if (t) Object.assign(t, { schema: r.schema, name: r.name });
      else snap.tables.set(r.oid, { oid: r.oid, schema: r.schema, name: r.name, totalBytes: 0, heapBytes: 0, indexBytes: 0, toastBytes: 0, lock: null, sizeExact: true });
    }
  }
  for (const r of rows) {
    if (r.part !== "index" || r.owner === null) continue;
    const def = definitions.get(r.oid);
    const previous = snap.indexes.get(r.oid);
    const ownLock = snap.parts.get(r.oid)?.lock ?? null;
    snap.indexes.set(r.oid, {
      oid: r.oid,
      tableOid: r.owner,
      sizeBytes: r.bytes,
      definition: def ?? previous?.definition ?? "",
      definitionKnown: def !== null,
      lock: ownLock ?? (def === null ? (locks.get(r.owner) ?? locks.get(r.oid) ?? null) : null),
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
}

/** Drops relations (tables with their TOAST and indexes, or single indexes) to be measured again. */
export function forgetRelations(snap: SizeSnapshot, relids: number[]) {
  const touched = new Set<number>();
  for (const relid of relids) {
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
