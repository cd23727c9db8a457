// The size snapshot's bookkeeping: totals per table from its parts, estimates carrying their lock,
// and re-measuring a few relations without touching the others.
import { describe, expect, it } from "vitest";
import type { RelationLock } from "@/lib/pg/locks";
import { applySizes, emptySnapshot, forgetRelations, knownOids, type SizeRow } from "@/lib/pg/relations/size-model";

// Rows as RELATION_SIZES returns them: a table names its TOAST table, an index its table.
const table = (oid: number, bytes: number, toast = 0, estimated = false): SizeRow => ({ oid, relkind: "r", schema: "public", name: `r${oid}`, toast_oid: toast, index_of: null, estimated, bytes });
const toast = (oid: number, bytes: number): SizeRow => ({ oid, relkind: "t", schema: "pg_toast", name: `pg_toast_${oid}`, toast_oid: 0, index_of: null, estimated: false, bytes });
const index = (oid: number, of: number, bytes: number): SizeRow => ({ oid, relkind: "i", schema: "public", name: `i${oid}`, toast_oid: 0, index_of: of, estimated: false, bytes });

const LOCK: RelationLock = { pid: 4242, granted: true, query: "ALTER TABLE r1 ADD COLUMN x int" };

describe("size model", () => {
  it("sums heap, TOAST and indexes per table; an estimated part carries its lock into the table", () => {
    const snap = emptySnapshot("db", 0);
    applySizes(
      snap,
      // 2 is table 1's TOAST table, 4 the index of that TOAST table (counted as TOAST)
      [table(1, 8192, 2, true), toast(2, 100), index(3, 1, 16384), index(4, 2, 50), table(10, 1000)],
      new Map([[3, null]]),
      new Map([[1, LOCK]]),
    );
    const t = snap.tables.get(1)!;
    expect(t).toMatchObject({ heapBytes: 8192, toastBytes: 150, indexBytes: 16384, totalBytes: 24726, sizeExact: false, lock: LOCK });
    expect(snap.tables.get(10)).toMatchObject({ totalBytes: 1000, sizeExact: true, lock: null });
    // the index is measured, but its definition could not be read: its table's lock says why
    expect(snap.indexes.get(3)).toMatchObject({ sizeBytes: 16384, sizeExact: true, definitionKnown: false, lock: LOCK });
    expect(snap.lockedParts()).toEqual(new Set([1, 3]));
    expect(snap.tableOids).toEqual([1, 10]);
    expect(snap.tableTotals).toEqual([24726, 1000]);
    expect(knownOids(snap).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 10]);
  });

  it("measuring a table again replaces all its parts (a dropped index is no longer counted) and clears its lock", () => {
    const snap = emptySnapshot("db", 0);
    applySizes(snap, [table(1, 8192, 0, true), index(3, 1, 16384), table(10, 1000)], new Map([[3, null]]), new Map([[1, LOCK]]));
    applySizes(snap, [table(1, 4096)], new Map(), new Map());
    expect(snap.tables.get(1)).toMatchObject({ totalBytes: 4096, indexBytes: 0, sizeExact: true, lock: null });
    expect(snap.indexes.has(3)).toBe(false);
    expect(snap.tables.get(10)!.totalBytes).toBe(1000);
  });

  it("forgetting relations drops exactly them: a table with its parts, or one index (its table's total follows)", () => {
    const snap = emptySnapshot("db", 0);
    applySizes(
      snap,
      [table(1, 100), index(2, 1, 10), index(3, 1, 20), table(10, 1000), index(11, 10, 5)],
      new Map([[2, "CREATE INDEX …"], [3, "CREATE INDEX …"], [11, "CREATE INDEX …"]]),
      new Map(),
    );
    forgetRelations(snap, [3]);
    expect(snap.tables.get(1)!.totalBytes).toBe(110);
    // measured again alone: its table is found in the snapshot
    applySizes(snap, [index(3, 1, 40)], new Map([[3, "CREATE INDEX …"]]), new Map());
    expect(snap.tables.get(1)!.totalBytes).toBe(150);
    forgetRelations(snap, [3]);
    expect(snap.indexes.has(3)).toBe(false);
    forgetRelations(snap, [10]);
    expect(snap.tables.has(10)).toBe(false);
    expect(snap.indexes.has(11)).toBe(false);
    expect(knownOids(snap).sort((a, b) => a - b)).toEqual([1, 2]);
    expect(snap.tables.get(1)!.totalBytes).toBe(110);
  });

  it("an index of a TOAST table measured alone counts towards the TOAST table's owner", () => {
    const snap = emptySnapshot("db", 0);
    applySizes(snap, [table(1, 100, 2), toast(2, 10), index(4, 2, 5)], new Map(), new Map());
    expect(snap.tables.get(1)!.toastBytes).toBe(15);
    forgetRelations(snap, [4]);
    applySizes(snap, [index(4, 2, 7)], new Map(), new Map());
    expect(snap.tables.get(1)).toMatchObject({ toastBytes: 17, totalBytes: 117 });
    expect(snap.indexes.has(4)).toBe(false); // TOAST indexes are not listed as indexes
  });
});
