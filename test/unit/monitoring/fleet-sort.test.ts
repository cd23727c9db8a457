import { describe, expect, test } from "vitest";
import { matchesFilter, sortFleet } from "@/components/fleet/fleet-sort";
import type { FleetServer } from "@/lib/schemas/metrics";

const card = (id: string, over: Partial<FleetServer> = {}): FleetServer => ({
  id,
  name: id,
  status: "up",
  error: null,
  downSince: null,
  lastSampleAt: 1,
  version: "18.1",
  role: "primary",
  connections: { used: 10, max: 100, percent: 10 },
  tps: 1,
  cacheHitRatio: 0.999,
  longestTransactionSeconds: 1,
  replicationLag: null,
  worstFinding: null,
  healthCheckedAt: null,
  healthFailedChecks: null,
  ...over,
});

describe("fleet cards", () => {
  const fleet = [
    card("a"),
    card("b", { worstFinding: { severity: "warning", title: "sequence at 93 %" } }),
    card("c", { status: "down", connections: null }),
    card("d", { worstFinding: { severity: "critical", title: "archiver failing" }, connections: { used: 95, max: 100, percent: 95 } }),
    card("e", { cacheHitRatio: 0.5, tps: 900 }),
  ];

  test("worst first: down, then critical, then warning, then the rest by name", () => {
    expect(sortFleet(fleet, "severity").map((s) => s.id)).toEqual(["c", "d", "b", "a", "e"]);
  });

  test("figures sort highest first (cache hit lowest first), servers without the figure last", () => {
    expect(sortFleet(fleet, "connections").map((s) => s.id)).toEqual(["d", "a", "b", "e", "c"]);
    expect(sortFleet(fleet, "cache_hit")[0]!.id).toBe("e");
    expect(sortFleet(fleet, "tps")[0]!.id).toBe("e");
  });

  test("the filter matches names and findings; 'problem' keeps down servers and warnings", () => {
    expect(fleet.filter((s) => matchesFilter(s, { q: "archiver" })).map((s) => s.id)).toEqual(["d"]);
    expect(fleet.filter((s) => matchesFilter(s, { status: "problem" })).map((s) => s.id)).toEqual(["b", "c", "d"]);
    expect(fleet.filter((s) => matchesFilter(s, { status: "down" })).map((s) => s.id)).toEqual(["c"]);
  });
});
