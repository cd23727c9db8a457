import { describe, expect, test } from "vitest";
import { indexSnapshot, statementDeltas, type Counters, type SnapshotEpoch } from "@/lib/monitoring/statement-deltas";
import { slowerSince } from "@/lib/monitoring/slower-since";

const row = (queryid: string, calls: number, exec_ms: number, extra: Partial<Counters> = {}): Counters => ({
  queryid, datname: "shop", username: "app", toplevel: true, calls, exec_ms, plan_ms: 0, rows: calls, shared_blks_hit: 0,
  shared_blks_read: 0, temp_blks: 0, wal_bytes: 0, blk_read_ms: null, ...extra,
});
const epoch = (e: Partial<SnapshotEpoch> = {}): SnapshotEpoch => ({ statsReset: "2026-01-01T00:00:00.000Z", postmasterStart: "p1", dealloc: 0, ...e });

describe("statement deltas", () => {
  test("only statements whose calls changed, as differences", () => {
    const prev = { rows: indexSnapshot([row("1", 10, 100), row("2", 5, 50)]), epoch: epoch() };
    const r = statementDeltas(prev, [row("1", 12, 130), row("2", 5, 50), row("3", 1, 7)], epoch());
    expect(r.deltas.map((d) => [d.queryid, d.calls, d.exec_ms])).toEqual([["1", 2, 30], ["3", 1, 7]]);
    expect(r.resetSeen).toBe(false);
  });

  test("a counter that went down (reset of one entry, eviction and re-entry) counts its current value", () => {
    const prev = { rows: indexSnapshot([row("1", 1000, 9000)]), epoch: epoch() };
    const r = statementDeltas(prev, [row("1", 3, 4)], epoch());
    expect(r.deltas[0]).toMatchObject({ calls: 3, exec_ms: 4 });
  });

  test("after stats_reset moved, every counter is its current value (never a difference with the old history)", () => {
    const prev = { rows: indexSnapshot([row("1", 100, 1000)]), epoch: epoch() };
    const r = statementDeltas(prev, [row("1", 150, 1200)], epoch({ statsReset: "2026-01-02T00:00:00.000Z" }));
    expect(r.resetSeen).toBe(true);
    expect(r.deltas[0]).toMatchObject({ calls: 150, exec_ms: 1200 });
  });

  test("evictions: dealloc's difference, or its value after a reset; null before 14", () => {
    const prev = { rows: new Map(), epoch: epoch({ dealloc: 7 }) };
    expect(statementDeltas(prev, [], epoch({ dealloc: 9 })).deallocDelta).toBe(2);
    expect(statementDeltas(prev, [], epoch({ dealloc: 1, statsReset: "x" })).deallocDelta).toBe(1);
    expect(statementDeltas({ rows: new Map(), epoch: epoch({ dealloc: null }) }, [], epoch({ dealloc: null })).deallocDelta).toBeNull();
  });

  test("nested and top-level runs of one queryid are separate statements", () => {
    const prev = { rows: indexSnapshot([row("1", 10, 10), row("1", 4, 4, { toplevel: false })]), epoch: epoch() };
    const r = statementDeltas(prev, [row("1", 11, 11), row("1", 4, 4, { toplevel: false })], epoch());
    expect(r.deltas).toHaveLength(1);
    expect(r.deltas[0]!.toplevel).toBe(true);
  });
});

describe("slower since", () => {
  const pts = (means: number[]) => means.map((m, i) => ({ at: i * 60_000, calls: 10, totalMs: m * 10 }));
  test("names the first interval of a lasting rise", () => {
    expect(slowerSince(pts([2, 2.2, 1.9, 2, 2.1, 9, 8, 10]))).toMatchObject({ at: 5 * 60_000, beforeMs: 2 });
  });
  test("a single slow interval is noise", () => {
    expect(slowerSince(pts([2, 2, 2, 9, 2, 2]))).toBeNull();
  });
  test("intervals without calls are skipped", () => {
    const p = [...pts([2, 2, 2]), { at: 999, calls: 0, totalMs: 0 }, ...pts([6, 6]).map((x) => ({ ...x, at: x.at + 1_000_000 }))];
    expect(slowerSince(p)?.afterMs).toBe(6);
  });
});
