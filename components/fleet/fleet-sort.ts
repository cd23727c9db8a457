import type { FleetServer } from "@/lib/schemas/metrics";
import type { FleetPageQuery } from "@/lib/schemas/fleet";

// Sorting and filtering of the fleet cards, kept pure so the order is tested without a browser.

const STATUS_RANK: Record<FleetServer["status"], number> = { down: 0, stale: 1, unknown: 2, up: 3 };
const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;

/** Worst first: down, then stale, then the worst health finding, then the busiest connections. */
function badness(s: FleetServer): number[] {
  return [STATUS_RANK[s.status], s.worstFinding ? SEVERITY_RANK[s.worstFinding.severity] : 3, -(s.connections?.percent ?? -1)];
}

const DESC: Record<Exclude<FleetPageQuery["sort"], "severity" | "name">, (s: FleetServer) => number | null> = {
  connections: (s) => s.connections?.percent ?? null,
  tps: (s) => s.tps,
  cache_hit: (s) => (s.cacheHitRatio === null ? null : -s.cacheHitRatio), // lowest hit ratio first
  longest_xact: (s) => s.longestTransactionSeconds,
  lag: (s) => s.replicationLag?.seconds ?? (s.replicationLag?.bytes != null ? s.replicationLag.bytes / 1e12 : null),
};

function compareArrays(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

export function matchesFilter(s: FleetServer, q: Pick<FleetPageQuery, "q" | "status">): boolean {
  if (q.status === "problem") {
    if (s.status === "up" && (!s.worstFinding || s.worstFinding.severity === "info")) return false;
  } else if (q.status && s.status !== q.status) return false;
  const text = q.q?.trim().toLowerCase();
  if (!text) return true;
  return [s.id, s.name, s.version ?? "", s.role ?? "", s.worstFinding?.title ?? ""].some((v) => v.toLowerCase().includes(text));
}

export function sortFleet(servers: readonly FleetServer[], sort: FleetPageQuery["sort"]): FleetServer[] {
  const byName = (a: FleetServer, b: FleetServer) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
  if (sort === "name") return [...servers].sort(byName);
  if (sort === "severity") return [...servers].sort((a, b) => compareArrays(badness(a), badness(b)) || byName(a, b));
  const v = DESC[sort];
  // Highest first; servers without the figure (down, never sampled) last.
  return [...servers].sort((a, b) => {
    const x = v(a);
    const y = v(b);
    if (x === null || y === null) return x === y ? byName(a, b) : x === null ? 1 : -1;
    return y - x || byName(a, b);
  });
}
