import { describe, expect, it } from "vitest";
import { epochOf, increase, ratePerSecond, rateSeries, ratioSeries, type CounterPoint } from "@/lib/monitoring/rates";

const p = (t: number, value: number | null, epoch = "e1"): CounterPoint => ({ t: t * 1000, value, epoch });

describe("ratePerSecond", () => {
  it("divides the increase by the seconds between the samples", () => {
    expect(ratePerSecond(p(0, 100), p(15, 400))).toBe(20);
    expect(increase(p(0, 100), p(15, 400))).toBe(300);
  });

  it("a counter that went down (a reset nobody recorded) gives no rate, not a negative one", () => {
    expect(ratePerSecond(p(0, 1_000_000), p(15, 40))).toBeNull();
  });

  it("a changed stats_reset or postmaster start gives no rate even when the counter grew past its old value", () => {
    // pg_stat_reset() at t=1, then more work than before by t=15: a naive difference looks plausible.
    expect(ratePerSecond(p(0, 100, epochOf(1000, null)), p(15, 250, epochOf(1000, 5000)))).toBeNull();
    // a restart (PostgreSQL 15+ keeps counters over a clean restart, but the interval spans downtime)
    expect(ratePerSecond(p(0, 100, epochOf(1000, 7)), p(15, 250, epochOf(2000, 7)))).toBeNull();
    expect(ratePerSecond(p(0, 100, epochOf(1000, 7)), p(15, 250, epochOf(1000, 7)))).toBe(10);
  });

  it("no rate without two values or without time passing", () => {
    expect(ratePerSecond(p(0, null), p(15, 10))).toBeNull();
    expect(ratePerSecond(p(0, 10), p(15, null))).toBeNull();
    expect(ratePerSecond(p(15, 10), p(15, 20))).toBeNull();
    expect(ratePerSecond(p(20, 10), p(15, 20))).toBeNull();
    expect(ratePerSecond(p(0, Number.NaN), p(15, 20))).toBeNull();
  });

  it("an unchanged counter is a rate of zero, not a missing one", () => {
    expect(ratePerSecond(p(0, 5), p(15, 5))).toBe(0);
  });
});

describe("rateSeries", () => {
  it("gives each interval's rate at its end, scaled (per minute), null across a reset", () => {
    const points = [p(0, 0), p(60, 2), p(120, 2), p(180, 0, "e2"), p(240, 3, "e2")];
    expect(rateSeries(points, 60)).toEqual([null, 2, 0, null, 3]);
  });
});

describe("ratioSeries", () => {
  it("is the share of hits per interval; an interval without block access or across a reset has none", () => {
    const hit = [p(0, 0), p(10, 90), p(20, 90), p(30, 10, "e2"), p(40, 20, "e2")];
    const read = [p(0, 0), p(10, 10), p(20, 10), p(30, 0, "e2"), p(40, 0, "e2")];
    expect(ratioSeries(hit, read)).toEqual([null, 0.9, null, null, 1]);
  });
});
