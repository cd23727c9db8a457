import { describe, expect, it } from "vitest";
import { blockingTrees, waitersOf } from "@/lib/activity/tree";

const s = (pid: number, blockedBy: number[] = []) => ({ pid, blockedBy });

describe("blockingTrees", () => {
  it("is empty when nobody waits", () => {
    expect(blockingTrees([s(1), s(2)])).toEqual([]);
  });

  it("places a deep waiter under its nearest waiting blocker, not the root as well", () => {
    // 3 waits on 1 (holder) and 2 (queued ahead of it); 2 waits on 1.
    const trees = blockingTrees([s(1), s(2, [1]), s(3, [1, 2]), s(4, [1])]);
    expect(trees).toEqual([{ pid: 1, waiters: [{ pid: 2, waiters: [{ pid: 3, waiters: [] }] }, { pid: 4, waiters: [] }] }]);
    expect(waitersOf(trees[0]!).sort()).toEqual([2, 3, 4]);
  });

  it("keeps independent chains apart", () => {
    const trees = blockingTrees([s(10), s(11, [10]), s(20), s(21, [20])]);
    expect(trees.map((t) => t.pid)).toEqual([10, 20]);
  });

  it("shows a cycle (deadlock not yet detected) from its lowest pid instead of dropping it", () => {
    const trees = blockingTrees([s(7, [8]), s(8, [7])]);
    expect(trees).toEqual([{ pid: 7, waiters: [{ pid: 8, waiters: [] }] }]);
  });
});
