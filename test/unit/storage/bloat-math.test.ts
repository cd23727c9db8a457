import { describe, expect, test } from "vitest";
import {
  align,
  btreeTupleBytes,
  estimateBtreeBloat,
  estimateTableBloat,
  heapTupleBytes,
  statisticsState,
} from "@/lib/pg/relations/bloat-math";

const table = { toastPages: 0, toastTuples: 0, fillfactor: 100, blockSize: 8192, maxAlign: 8, columns: 2, hasNulls: false };

describe("heap tuple layout", () => {
  test("header is 23 bytes aligned to 24, data aligned, plus a 4-byte line pointer", () => {
    expect(align(23, 8)).toBe(24);
    // int4 + 64-char text (65 bytes with the short varlena header) = 69 → 72
    expect(heapTupleBytes({ columns: 2, dataWidth: 69, hasNulls: false, maxAlign: 8 })).toBe(24 + 72 + 4);
  });
  test("a null bitmap is added only when some column has nulls", () => {
    // 23 + 1 bitmap byte still fits in 24; 9+ columns need 2 bytes but still 24; 73+ columns spill to 32
    expect(heapTupleBytes({ columns: 2, dataWidth: 8, hasNulls: true, maxAlign: 8 })).toBe(24 + 8 + 4);
    expect(heapTupleBytes({ columns: 80, dataWidth: 8, hasNulls: true, maxAlign: 8 })).toBe(40 + 8 + 4);
  });
});

describe("table bloat estimate", () => {
  test("a packed table has no bloat", () => {
    // 100-byte tuples: 81 per page; 81,000 rows need exactly 1,000 pages
    const e = estimateTableBloat({ ...table, reltuples: 81_000, relpages: 1_000, dataWidth: 72 });
    expect(e.bloatBytes).toBe(0);
    expect(e.bloatPct).toBe(0);
    expect(e.actualBytes).toBe(1_000 * 8192);
  });
  test("the same rows in twice the pages are 50 % bloat", () => {
    const e = estimateTableBloat({ ...table, reltuples: 81_000, relpages: 2_000, dataWidth: 72 });
    expect(e.bloatBytes).toBe(1_000 * 8192);
    expect(e.bloatPct).toBeCloseTo(50, 5);
  });
  test("fillfactor leaves room on purpose: that room is not bloat", () => {
    // at fillfactor 50, 40 tuples per page: 81,000 rows need 2,025 pages
    const e = estimateTableBloat({ ...table, fillfactor: 50, reltuples: 81_000, relpages: 2_025, dataWidth: 72 });
    expect(e.bloatBytes).toBe(0);
  });
  test("never-vacuumed tables (reltuples −1) count as empty, TOAST pages are included", () => {
    const e = estimateTableBloat({ ...table, reltuples: -1, relpages: 0, dataWidth: 0 });
    expect(e.bloatPct).toBe(0);
    const t = estimateTableBloat({ ...table, reltuples: 0, relpages: 0, toastPages: 100, toastTuples: 200, dataWidth: 0 });
    expect(t.bloatBytes).toBe(50 * 8192); // 200 chunks fill 50 pages; 100 pages is 50 % bloat
  });
  test("an estimate above the actual size is clamped to no bloat", () => {
    const e = estimateTableBloat({ ...table, reltuples: 1_000_000, relpages: 10, dataWidth: 72 });
    expect(e.bloatBytes).toBe(0);
    expect(e.expectedBytes).toBe(e.actualBytes);
  });
});

describe("btree bloat estimate", () => {
  const idx = { fillfactor: 90, blockSize: 8192, maxAlign: 8, dataWidth: 4, hasNulls: false };
  test("an int4 key is a 16-byte tuple + 4-byte pointer", () => {
    expect(btreeTupleBytes(idx)).toBe(20);
    expect(btreeTupleBytes({ ...idx, hasNulls: true })).toBe(20 + 8);
  });
  test("a freshly built index has no bloat, the same with half its entries gone has about half", () => {
    // (8152 × 0.9) / 20 = 366 per leaf page; 366,000 entries → 1,000 leaves + 3 internal + meta
    const fresh = estimateBtreeBloat({ ...idx, reltuples: 366_000, relpages: 1_004 });
    expect(fresh.bloatBytes).toBe(0);
    const half = estimateBtreeBloat({ ...idx, reltuples: 183_000, relpages: 1_004 });
    expect(half.bloatPct).toBeGreaterThan(45);
    expect(half.bloatPct).toBeLessThan(55);
  });
});

describe("statistics state", () => {
  const base = { reltuples: 1_000, columns: 3, columnsWithStats: 3, lastAnalyzed: new Date(), modSinceAnalyze: 0 };
  test("ok, missing, stale", () => {
    expect(statisticsState(base)).toBe("ok");
    expect(statisticsState({ ...base, lastAnalyzed: null })).toBe("missing");
    expect(statisticsState({ ...base, reltuples: -1 })).toBe("missing");
    expect(statisticsState({ ...base, columnsWithStats: 2 })).toBe("missing");
    expect(statisticsState({ ...base, modSinceAnalyze: 151 })).toBe("stale");
    expect(statisticsState({ ...base, modSinceAnalyze: 150 })).toBe("ok");
  });
  test("hidden when the role may not SELECT the table (pg_stats filters it), not 'never analyzed'", () => {
    expect(statisticsState({ ...base, readable: false, columnsWithStats: 0 })).toBe("hidden");
    // a role without SELECT that still sees every column (e.g. column grants) keeps the estimate
    expect(statisticsState({ ...base, readable: false })).toBe("ok");
  });
});
