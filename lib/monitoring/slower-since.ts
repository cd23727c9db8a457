// "Slower since …" for a statement's history (pure: test/unit/slower-since.test.ts). The mean time
// per call is noisy from one interval to the next; a rise counts only when it lasts: from some
// point on, every interval with calls has a mean well above the typical mean before that point.

export interface MeanPoint {
  at: number;
  calls: number;
  totalMs: number;
}

/** A rise that lasts: at least this factor over the median before, for at least MIN_AFTER points. */
const FACTOR = 1.5;
const MIN_BEFORE = 3;
const MIN_AFTER = 2;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The earliest point from which the mean stayed ≥ 1.5× the median mean before it, or null. */
export function slowerSince(points: MeanPoint[]): { at: number; beforeMs: number; afterMs: number } | null {
  const p = points.filter((x) => x.calls > 0).map((x) => ({ at: x.at, mean: x.totalMs / x.calls, calls: x.calls, totalMs: x.totalMs }));
  for (let i = MIN_BEFORE; i <= p.length - MIN_AFTER; i++) {
    const before = median(p.slice(0, i).map((x) => x.mean));
    if (before <= 0) continue;
    const after = p.slice(i);
    if (after.every((x) => x.mean >= before * FACTOR)) {
      const calls = after.reduce((a, x) => a + x.calls, 0);
      const total = after.reduce((a, x) => a + x.totalMs, 0);
      return { at: p[i]!.at, beforeMs: before, afterMs: total / calls };
    }
  }
  return null;
}
