import { describe, expect, it } from "vitest";
import { poolStepSeconds, shapePoolHistory } from "@/lib/monitoring/pool-history";
import { PoolHistoryQuery } from "@/lib/schemas/pgbouncer";
import type { PoolBucket } from "@/lib/store/pool-history";

const b = (database: string, username: string, t: number, waiting: number, maxwait_ms = 0, active = 1): PoolBucket => ({ database, username, t, waiting, maxwait_ms, active, sv_active: active });

describe("pool history shaping", () => {
  it("aligns every pool on one time axis, with null where a pool had no point", () => {
    const h = shapePoolHistory([b("shop", "app", 2000, 3, 1500), b("shop", "app", 1000, 0), b("crm", "app", 2000, 0)]);
    expect(h.t).toEqual([1000, 2000]);
    const shop = h.pools.find((p) => p.database === "shop")!;
    expect(shop.waiting).toEqual([0, 3]);
    expect(shop.maxwaitMs).toEqual([0, 1500]);
    expect(h.pools.find((p) => p.database === "crm")!.waiting).toEqual([null, 0]);
  });

  it("draws the pools that queued first and counts the rest", () => {
    const rows = [b("quiet", "u", 1, 0, 0, 9), b("queued", "u", 1, 7), b("waited", "u", 1, 0, 800), b("other", "u", 1, 0)];
    const h = shapePoolHistory(rows, 3);
    expect(h.pools.map((p) => p.database)).toEqual(["queued", "waited", "quiet"]);
    expect(h.omittedPools).toBe(1);
  });

  it("no rows: no axis, no pools", () => {
    expect(shapePoolHistory([])).toEqual({ t: [], pools: [], omittedPools: 0 });
  });

  it("steps: every sample for 1 h, 1- and 5-minute buckets beyond, never finer than the interval", () => {
    expect(poolStepSeconds("1h", 15)).toBe(15);
    expect(poolStepSeconds("6h", 15)).toBe(60);
    expect(poolStepSeconds("24h", 15)).toBe(300);
    expect(poolStepSeconds("6h", 120)).toBe(120);
  });

  it("the query: 1 h by default, only the ranges raw points cover", () => {
    expect(PoolHistoryQuery.parse({})).toEqual({ range: "1h" });
    expect(PoolHistoryQuery.safeParse({ range: "7d" }).success).toBe(false);
  });
});
