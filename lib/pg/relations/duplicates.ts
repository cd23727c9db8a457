// Duplicate (redundant) index detection, compared structurally from pg_index columns, not as
// definition text: two indexes differing only in name or whitespace are the same index.
// Pure functions: no database access, unit-testable.

export interface IndexShape {
  oid: number;
  tableOid: number;
  am: string;
  unique: boolean;
  primary: boolean;
  valid: boolean;
  /** backs a PRIMARY KEY / UNIQUE / EXCLUDE constraint: dropping needs ALTER TABLE, not DROP INDEX */
  backsConstraint: boolean;
  /** number of key columns (indnkeyatts); the rest of `keys` are INCLUDE columns */
  nkey: number;
  /** indkey: table column numbers, 0 for an expression column */
  keys: number[];
  /** indclass / indcollation / indoption of the key columns */
  classes: string[];
  collations: string[];
  options: number[];
  /** indexprs / indpred as pg_node_tree text, or null */
  exprs: string | null;
  pred: string | null;
}

// Stored node trees carry the parse position of each node before PG 17 (":location 57"), which
// differs with the length of the index name in the CREATE INDEX text; it has no meaning here.
export function normalizeNodeTree(tree: string | null): string | null {
  return tree === null ? null : tree.replace(/:location -?\d+/g, ":location -1");
}

function sameKeyPrefix(a: IndexShape, b: IndexShape): boolean {
  if (a.nkey > b.nkey) return false;
  for (let j = 0; j < a.nkey; j++) {
    if (a.keys[j] !== b.keys[j] || a.classes[j] !== b.classes[j] || a.collations[j] !== b.collations[j] || a.options[j] !== b.options[j]) {
      return false;
    }
  }
  return true;
}

/** True when every lookup `a` can serve, `b` serves too, with the same guarantees. */
export function covers(b: IndexShape, a: IndexShape): boolean {
  if (a.oid === b.oid || a.tableOid !== b.tableOid || a.am !== b.am || !b.valid) return false;
  if (normalizeNodeTree(a.pred) !== normalizeNodeTree(b.pred)) return false;
  if (normalizeNodeTree(a.exprs) !== normalizeNodeTree(b.exprs)) return false;
  if (!sameKeyPrefix(a, b)) return false;
  // Only btree can answer a lookup on a leading prefix of its columns; other methods must match exactly.
  if (a.am !== "btree" && a.nkey !== b.nkey) return false;
  // A unique index enforces uniqueness on exactly its columns: only an equally unique twin replaces it.
  if (a.unique && !(b.unique && a.nkey === b.nkey)) return false;
  // INCLUDE columns of `a` must be available in `b` for index-only scans to keep working.
  const bAll = new Set(b.keys);
  return a.keys.slice(a.nkey).every((k) => k !== 0 && bAll.has(k));
}

// Of two identical indexes, keep the one a constraint needs, else the older (smaller oid).
function keepRank(i: IndexShape): number {
  return (i.primary ? 2 : 0) + (i.backsConstraint ? 1 : 0);
}

export interface DuplicatePair<T extends IndexShape> {
  redundant: T;
  coveredBy: T;
}

/** Indexes that can be dropped because another index on the same table covers them. */
export function duplicateIndexes<T extends IndexShape>(indexes: T[]): DuplicatePair<T>[] {
  const byTable = new Map<number, T[]>();
  for (const i of indexes) {
    const list = byTable.get(i.tableOid);
    if (list) list.push(i);
    else byTable.set(i.tableOid, [i]);
  }
  const out: DuplicatePair<T>[] = [];
  for (const list of byTable.values()) {
    if (list.length < 2) continue;
    for (const a of list) {
      if (!a.valid || a.primary || a.backsConstraint) continue;
      const cover = list.find((b) => {
        if (!covers(b, a)) return false;
        // Identical twins cover each other: report only one of the pair.
        if (covers(a, b)) return keepRank(b) > keepRank(a) || (keepRank(b) === keepRank(a) && b.oid < a.oid);
        return true;
      });
      if (cover) out.push({ redundant: a, coveredBy: cover });
    }
  }
  return out;
}
