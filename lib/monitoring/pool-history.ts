import "server-only";
import { env } from "@/lib/config/env";
import type { PoolHistoryQuery, PoolHistoryRange, PoolHistoryResponse, PoolHistorySeries } from "@/lib/schemas/pgbouncer";
import { RAW_RETENTION_DAYS } from "@/lib/store/metrics";
import { poolBuckets, type PoolBucket } from "@/lib/store/pool-history";

// GET /api/servers/{id}/pgbouncer/history: the PgBouncer page's charts of clients waiting and
// maxwait per pool, from the console's store (the sampler's points; PgBouncer is not asked).

const HOUR_MS = 3_600_000;
const RANGE_MS: Record<PoolHistoryRange, number> = { "1h": HOUR_MS, "6h": 6 * HOUR_MS, "24h": 24 * HOUR_MS };
/** A few hundred points per chart at most: every sample for 1 h, then 1- and 5-minute buckets. */
const STEP_S: Record<PoolHistoryRange, number | "interval"> = { "1h": "interval", "6h": 60, "24h": 300 };
/** More pools than this make an unreadable chart: the busiest ones are drawn, the rest counted. */
export const MAX_POOLS = 8;

export function poolStepSeconds(range: PoolHistoryRange, intervalS: number): number {
  const step = STEP_S[range];
  return step === "interval" ? intervalS : Math.max(step, intervalS);
}

/** Pure: bucket rows (any order) → one time axis and per-pool series aligned with it. */
export function shapePoolHistory(rows: PoolBucket[], maxPools = MAX_POOLS): { t: number[]; pools: PoolHistorySeries[]; omittedPools: number } {
  const t = [...new Set(rows.map((r) => r.t))].sort((a, b) => a - b);
  const index = new Map(t.map((x, i) => [x, i]));
  const byPool = new Map<string, { s: PoolHistorySeries; peakWaiting: number; peakMaxwait: number; peakActive: number }>();
  for (const r of rows) {
    const key = `${r.database}\u0000${r.username}`;
    let p = byPool.get(key);
    if (!p) {
      const empty = () => t.map(() => null as number | null);
      p = { s: { database: r.database, user: r.username, waiting: empty(), maxwaitMs: empty(), active: empty() }, peakWaiting: 0, peakMaxwait: 0, peakActive: 0 };
      byPool.set(key, p);
    }
    const i = index.get(r.t)!;
    p.s.waiting[i] = r.waiting;
    p.s.maxwaitMs[i] = r.maxwait_ms;
    p.s.active[i] = r.active;
    p.peakWaiting = Math.max(p.peakWaiting, r.waiting);
    p.peakMaxwait = Math.max(p.peakMaxwait, r.maxwait_ms);
    p.peakActive = Math.max(p.peakActive, r.active);
  }
  const ranked = [...byPool.values()].sort(
    (a, b) => b.peakWaiting - a.peakWaiting || b.peakMaxwait - a.peakMaxwait || b.peakActive - a.peakActive || a.s.database.localeCompare(b.s.database) || a.s.user.localeCompare(b.s.user),
  );
  return { t, pools: ranked.slice(0, maxPools).map((p) => p.s), omittedPools: Math.max(0, ranked.length - maxPools) };
}

export async function poolHistory(server: string, q: PoolHistoryQuery, now = Date.now()): Promise<PoolHistoryResponse> {
  const stepS = poolStepSeconds(q.range, env().PGWARDEN_SAMPLE_INTERVAL_S);
  const rows = await poolBuckets(server, now - RANGE_MS[q.range], now + 1, stepS);
  return { server, range: q.range, stepS, ...shapePoolHistory(rows), retentionDays: RAW_RETENTION_DAYS, readAt: now };
}
