import { afterEach, describe, expect, it, vi } from "vitest";
import { ALL_KEYS, cacheKey, scopePrefix } from "@/lib/pg/cache-keys";
import { cached, cachedIfReady, coalesce, coalesceStale, heldReads, invalidateReads, invalidateSnapshots } from "@/lib/pg/cache";
import { StillComputingError } from "@/lib/pg/errors";

/** engine tests: the key's scope and area do not matter, the lifetimes are passed explicitly */
const k = (name: string) => cacheKey({ server: "unit" }, "bloat", name);

describe("coalesce", () => {
  it("shares one load between callers inside the TTL", async () => {
    const load = vi.fn(async () => 42);
    const [a, b] = await Promise.all([coalesce(k("k1"), 1_000, load), coalesce(k("k1"), 1_000, load)]);
    expect([a, b]).toEqual([42, 42]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("shares an in-flight load even with a TTL of 0 (single flight), and reloads once it has settled", async () => {
    let release!: (v: number) => void;
    const load = vi.fn(() => new Promise<number>((r) => (release = r)));
    const all = Promise.all([coalesce(k("k0"), 0, load), coalesce(k("k0"), 0, load), coalesce(k("k0"), 0, load)]);
    release(5);
    expect(await all).toEqual([5, 5, 5]);
    expect(load).toHaveBeenCalledTimes(1);
    await coalesce(k("k0"), 0, async () => 6).then((v) => expect(v).toBe(6));
  });

  it("does not keep a failure for later callers", async () => {
    await expect(coalesce(k("k2"), 60_000, async () => Promise.reject(new Error("down")))).rejects.toThrow("down");
    expect(await coalesce(k("k2"), 60_000, async () => 7)).toBe(7);
  });
});

describe("coalesceStale", () => {
  afterEach(() => {
    vi.useRealTimers();
    invalidateSnapshots(ALL_KEYS);
  });

  it("answers with the old value after the TTL while one refresh runs in the background", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    let n = 0;
    let release!: () => void;
    const load = vi.fn(() => (++n === 1 ? Promise.resolve(n) : new Promise<number>((r) => (release = () => r(n)))));
    expect(await coalesceStale(k("s1"), 1_000, 10_000, load)).toBe(1);
    vi.setSystemTime(Date.now() + 2_000);
    expect(await coalesceStale(k("s1"), 1_000, 10_000, load)).toBe(1); // stale, refresh started
    expect(await coalesceStale(k("s1"), 1_000, 10_000, load)).toBe(1); // no second refresh
    expect(load).toHaveBeenCalledTimes(2);
    release();
    await vi.waitFor(async () => expect(await coalesceStale(k("s1"), 1_000, 10_000, load)).toBe(2));
  });

  it("N concurrent cold callers cause ONE computation", async () => {
    let release!: (v: number) => void;
    const load = vi.fn(() => new Promise<number>((r) => (release = r)));
    const callers = Array.from({ length: 10 }, () => coalesceStale(k("s-cold"), 1_000, 5_000, load));
    release(9);
    expect(await Promise.all(callers)).toEqual(Array(10).fill(9));
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("a failing background refresh never rejects unhandled, and the next caller retries", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const unhandled: unknown[] = [];
    const onUnhandled = (r: unknown) => unhandled.push(r);
    process.on("unhandledRejection", onUnhandled);
    try {
      let n = 0;
      const load = vi.fn(async () => {
        if (++n === 2) throw new Error("statement timeout in the background");
        return n;
      });
      expect(await coalesceStale(k("s-fail"), 1_000, 10_000, load)).toBe(1);
      vi.setSystemTime(Date.now() + 2_000);
      expect(await coalesceStale(k("s-fail"), 1_000, 10_000, load)).toBe(1); // refresh 2 fails in the background
      await vi.waitFor(() => expect(load).toHaveBeenCalledTimes(2));
      await new Promise((r) => setTimeout(r, 20)); // let Node report unhandled rejections, if any
      expect(await coalesceStale(k("s-fail"), 1_000, 10_000, load)).toBe(1); // still the old value; refresh 3 starts
      await vi.waitFor(async () => expect(await coalesceStale(k("s-fail"), 1_000, 10_000, load)).toBe(3));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("a cold caller waits at most waitMs, then gets 'still computing' while the computation goes on", async () => {
    let release!: (v: number) => void;
    const load = vi.fn(() => new Promise<number>((r) => (release = r)));
    await expect(coalesceStale(k("s-slow"), 1_000, 5_000, load, { waitMs: 30 })).rejects.toBeInstanceOf(StillComputingError);
    release(4);
    expect(await coalesceStale(k("s-slow"), 1_000, 5_000, load, { waitMs: 30 })).toBe(4);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("a result computed before invalidateStale is not stored", async () => {
    let release!: (v: number) => void;
    const load = vi.fn(() => new Promise<number>((r) => (release = r)));
    const first = coalesceStale(k("s-inv"), 60_000, 60_000, load);
    invalidateSnapshots(scopePrefix({ server: "unit" }), ["bloat"]);
    release(1);
    expect(await first).toBe(1);
    expect(await coalesceStale(k("s-inv"), 60_000, 60_000, async () => 2)).toBe(2);
  });

  it("waits for a fresh value once the old one is too old", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    let n = 0;
    const load = async () => ++n;
    expect(await coalesceStale(k("s2"), 1_000, 5_000, load)).toBe(1);
    vi.setSystemTime(Date.now() + 6_000);
    expect(await coalesceStale(k("s2"), 1_000, 5_000, load)).toBe(2);
  });
});

describe("the key factory and invalidation by prefix", () => {
  afterEach(() => {
    invalidateReads(ALL_KEYS);
    invalidateSnapshots(ALL_KEYS);
  });

  it("keys start with their scope, so a server's prefix never matches a server whose id extends it", () => {
    const a = cacheKey({ server: "db1" }, "activity");
    const b = cacheKey({ server: "db10" }, "activity");
    expect(a.startsWith(scopePrefix({ server: "db1" }))).toBe(true);
    expect(b.startsWith(scopePrefix({ server: "db1" }))).toBe(false);
    expect(cacheKey({ server: "s", database: "app" }, "tables", 3, "x").startsWith(scopePrefix({ server: "s", database: "app" }))).toBe(true);
    expect(cacheKey({ server: "s", database: "app2" }, "tables").startsWith(scopePrefix({ server: "s", database: "app" }))).toBe(false);
    expect(cacheKey({ server: "s" }, "tables", "a", "b")).not.toBe(cacheKey({ server: "s" }, "tables", "a\u0000b"));
  });

  it("invalidateReads drops the poll reads of that server only", async () => {
    const load = vi.fn(async () => 1);
    await cached(cacheKey({ server: "s1" }, "activity"), load);
    await cached(cacheKey({ server: "s2" }, "activity"), load);
    expect(load).toHaveBeenCalledTimes(2);
    invalidateReads(scopePrefix({ server: "s1" }));
    await cached(cacheKey({ server: "s1" }, "activity"), load); // read again
    await cached(cacheKey({ server: "s2" }, "activity"), load); // still cached
    expect(load).toHaveBeenCalledTimes(3);
  });

  it("a finished job's invalidation drops the bloat snapshot of that database, not the size snapshot nor other databases", async () => {
    let n = 0;
    const load = vi.fn(async () => ++n);
    const bloat = cacheKey({ server: "s", database: "app" }, "bloat");
    const sizes = cacheKey({ server: "s", database: "app" }, "size-snapshot");
    const otherBloat = cacheKey({ server: "s", database: "other" }, "bloat");
    expect(await cached(bloat, load)).toBe(1);
    expect(await cached(sizes, load)).toBe(2);
    expect(await cached(otherBloat, load)).toBe(3);
    invalidateSnapshots(scopePrefix({ server: "s", database: "app" }), ["bloat"]);
    expect(await cached(bloat, load)).toBe(4);
    expect(await cached(sizes, load)).toBe(2);
    expect(await cached(otherBloat, load)).toBe(3);
  });
});

describe("what the read cache keeps (issue 11: 20 viewers' memory)", () => {
  afterEach(() => {
    vi.useRealTimers();
    invalidateReads(ALL_KEYS);
    invalidateSnapshots(ALL_KEYS);
  });

  it("lets go of expired poll reads whose key is never asked again", async () => {
    invalidateReads(ALL_KEYS);
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    for (let i = 0; i < 50; i++) await coalesce(k(`viewer-${i}`), 1_000, async () => ({ big: "x".repeat(1_000) }));
    expect(heldReads()).toBe(50);
    vi.setSystemTime(t0 + 6_000); // past their TTL and the pruning interval
    await coalesce(k("later"), 1_000, async () => 1);
    expect(heldReads()).toBe(1);
  });

  it("keeps a read still inside its TTL", async () => {
    invalidateReads(ALL_KEYS);
    vi.useFakeTimers({ toFake: ["Date"] });
    const t0 = Date.now();
    await coalesce(k("long"), 60_000, async () => 1);
    vi.setSystemTime(t0 + 6_000);
    await coalesce(k("later2"), 1_000, async () => 2);
    expect(heldReads()).toBe(2);
  });
});

describe("cachedIfReady", () => {
  afterEach(() => invalidateSnapshots(ALL_KEYS));

  it("answers undefined at once for a snapshot not there yet, computes it once, then answers it", async () => {
    let release!: (v: number) => void;
    const load = vi.fn(() => new Promise<number>((r) => (release = r)));
    const key = cacheKey({ server: "unit" }, "size-snapshot", "ready");
    expect(await cachedIfReady(key, load)).toBeUndefined();
    expect(await cachedIfReady(key, load)).toBeUndefined(); // still computing: not started twice
    expect(load).toHaveBeenCalledTimes(1);
    release(9);
    await vi.waitFor(async () => expect(await cachedIfReady(key, load)).toBe(9));
    expect(load).toHaveBeenCalledTimes(1);
  });
});
