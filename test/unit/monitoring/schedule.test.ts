import { describe, expect, it } from "vitest";
import type { AnyCollector, SampledTarget } from "@/lib/monitoring/collector";
import { dueRuns, offsetOf, runKey, slotOf } from "@/lib/monitoring/schedule";

const I = 15_000;
const collector = (name: string, over: Partial<AnyCollector> = {}): AnyCollector => ({
  name,
  intervalS: () => I / 1000,
  read: async () => null,
  store: async () => {},
  ...over,
});
const core = collector("core");
const pools = collector("pools", { target: "pgbouncer" });
const targets: Record<string, SampledTarget> = {
  a: { id: "a", name: "a", url: "postgres://x@h/d" } as SampledTarget,
  b: { id: "b", name: "b", url: "postgres://x@h/d" } as SampledTarget,
  bnc: { id: "bnc", name: "bnc", kind: "pgbouncer", url: "postgres://x@h/pgbouncer" } as SampledTarget,
};
const find = (id: string) => targets[id];

describe("the sampler's schedule", () => {
  it("a server keeps one offset inside the interval; slots turn over at that offset", () => {
    const o = offsetOf("a", I);
    expect(o).toBe(offsetOf("a", I));
    expect(o).toBeGreaterThanOrEqual(0);
    expect(o).toBeLessThan(I);
    const start = 100 * I + o;
    expect(slotOf(start - 1, "a", I)).toBe(99);
    expect(slotOf(start, "a", I)).toBe(100);
  });

  it("due: each held server once per collector of its kind, never with a lapsed lease", () => {
    const now = 1_700_000_000_000;
    const held = new Map([["a", now + 5_000], ["b", now - 1], ["bnc", now + 5_000]]);
    const due = dueRuns({ now, held, lastSlot: new Map(), collectors: [core, pools], find });
    expect(due.map((d) => d.key).sort()).toEqual([runKey("core", "a"), runKey("pools", "bnc")].sort());
    expect(due.find((d) => d.key === runKey("core", "a"))?.slot).toBe(slotOf(now, "a", I));
  });

  it("not due again in the same interval; the most overdue run comes first", () => {
    const now = 1_700_000_000_000;
    const held = new Map([["a", now + 5_000], ["b", now + 5_000]]);
    const lastSlot = new Map([
      [runKey("core", "a"), slotOf(now, "a", I)], // this interval already started
      [runKey("core", "b"), slotOf(now, "b", I) - 3], // three intervals behind
    ]);
    expect(dueRuns({ now, held, lastSlot, collectors: [core], find }).map((d) => d.key)).toEqual([runKey("core", "b")]);
    lastSlot.set(runKey("core", "a"), slotOf(now, "a", I) - 1);
    const order = dueRuns({ now, held, lastSlot, collectors: [core], find });
    expect(order.map((d) => d.key)).toEqual([runKey("core", "b"), runKey("core", "a")]);
    expect(order[0]!.at).toBeLessThan(order[1]!.at);
  });

  it("a collector that does not apply to a server is never due for it; an unknown id is skipped", () => {
    const now = 1_700_000_000_000;
    const onlyB = collector("only-b", { appliesTo: (s) => s.id === "b" });
    const held = new Map([["a", now + 5_000], ["b", now + 5_000], ["gone", now + 5_000]]);
    expect(dueRuns({ now, held, lastSlot: new Map(), collectors: [onlyB], find }).map((d) => d.server.id)).toEqual(["b"]);
  });
});
