import { afterEach, describe, expect, it, vi } from "vitest";
import { coalesce, coalesceStale, invalidateStale } from "@/lib/pg/coalesce";

describe("coalesce", () => {
  it("shares one load between callers inside the TTL", async () => {
    const load = vi.fn(async () => 42);
    const [a, b] = await Promise.all([coalesce("k1", 1_000, load), coalesce("k1", 1_000, load)]);
    expect([a, b]).toEqual([42, 42]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("does not keep a failure for later callers", async () => {
    await expect(coalesce("k2", 60_000, async () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await coalesce("k2", 60_000, async () => 7)).toBe(7);
  });
});

describe("coalesceStale", () => {
  afterEach(() => {
    vi.useRealTimers();
    invalidateStale("");
  });

  it("answers with the old value after the TTL while one refresh runs in the background", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    let n = 0;
    let release!: () => void;
    const load = vi.fn(() => (++n === 1 ? Promise.resolve(n) : new Promise<number>((r) => (release = () => r(n)))));
    expect(await coalesceStale("s1", 1_000, 10_000, load)).toBe(1);
    vi.setSystemTime(Date.now() + 2_000);
    expect(await coalesceStale("s1", 1_000, 10_000, load)).toBe(1); // stale, refresh started
    expect(await coalesceStale("s1", 1_000, 10_000, load)).toBe(1); // no second refresh
    expect(load).toHaveBeenCalledTimes(2);
    release();
    await vi.waitFor(async () => expect(await coalesceStale("s1", 1_000, 10_000, load)).toBe(2));
  });

  it("waits for a fresh value once the old one is too old", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    let n = 0;
    const load = async () => ++n;
    expect(await coalesceStale("s2", 1_000, 5_000, load)).toBe(1);
    vi.setSystemTime(Date.now() + 6_000);
    expect(await coalesceStale("s2", 1_000, 5_000, load)).toBe(2);
  });
});
