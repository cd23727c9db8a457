import { describe, expect, it } from "vitest";
import { databasesToCheck } from "@/lib/monitoring/health-databases";

describe("databasesToCheck: the other databases a background health run takes", () => {
  it("never the default one; never-checked first, then the longest ago, ties by name", () => {
    const checked = new Map([
      ["b", 3_000],
      ["c", 1_000],
      ["app", 5_000],
    ]);
    expect(databasesToCheck(["app", "b", "c", "z", "a"], "app", checked, 10)).toEqual(["a", "z", "c", "b"]);
    expect(databasesToCheck(["app", "b"], "app", checked, 0)).toEqual([]);
  });

  it("at most the limit per run, and every database comes round over runs", () => {
    const names = Array.from({ length: 25 }, (_, i) => `tenant_${String(i).padStart(2, "0")}`);
    expect(databasesToCheck(names, "postgres", new Map(), 10)).toHaveLength(10);
    const checked = new Map<string, number>();
    const seen = new Set<string>();
    for (let run = 1; run <= 3; run++) {
      for (const name of databasesToCheck(names, "postgres", checked, 10)) {
        seen.add(name);
        checked.set(name, run);
      }
    }
    expect(seen.size).toBe(25);
  });

  it("a database a page view just checked waits its turn", () => {
    const checked = new Map([["busy", Date.now()]]);
    expect(databasesToCheck(["busy", "idle"], "postgres", checked, 1)).toEqual(["idle"]);
  });
});
