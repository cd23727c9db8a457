// Rates from stored raw counters, computed when read. pg_stat_* counters start again from zero
// after pg_stat_reset(), a crash, or (before 15) any restart; a database can be dropped and
// re-created under the same name. An interval across any of that has NO rate: never a negative
// one, never the huge one a naive "current − previous" gives when the previous value was reset.
// Pure functions (no server-only): unit-tested in test/unit/monitoring/rates.test.ts.

export interface CounterPoint {
  /** time of the (last) sample, epoch ms */
  t: number;
  /** everything that must be unchanged for the difference to mean something (restart, reset, …) */
  epoch: string;
  value: number | null;
}

/** Increase per second between two points, or null when the interval has no meaningful rate. */
export function ratePerSecond(prev: CounterPoint, cur: CounterPoint): number | null {
  if (prev.value === null || cur.value === null) return null;
  if (!Number.isFinite(prev.value) || !Number.isFinite(cur.value)) return null;
  if (prev.epoch !== cur.epoch) return null;
  const dt = (cur.t - prev.t) / 1000;
  if (!(dt > 0)) return null;
  const delta = cur.value - prev.value;
  if (delta < 0) return null; // a reset nobody recorded (PG 14 after a crash leaves stats_reset NULL)
  return delta / dt;
}

/** Increase between two points (no time division), with the same validity rules. */
export function increase(prev: CounterPoint, cur: CounterPoint): number | null {
  const r = ratePerSecond(prev, cur);
  return r === null ? null : r * ((cur.t - prev.t) / 1000);
}

/** Rates along a series: element i is the rate of the interval ending at point i (the first is null). */
export function rateSeries(points: CounterPoint[], perSeconds = 1): (number | null)[] {
  return points.map((p, i) => {
    if (i === 0) return null;
    const r = ratePerSecond(points[i - 1]!, p);
    return r === null ? null : r * perSeconds;
  });
}

/**
 * hit / (hit + read) over each interval, as a fraction 0..1. Null without a valid interval or
 * without any block access in it (an idle server has no cache hit ratio, not a perfect one).
 */
export function ratioSeries(hit: CounterPoint[], read: CounterPoint[]): (number | null)[] {
  return hit.map((h, i) => {
    if (i === 0) return null;
    const dh = increase(hit[i - 1]!, h);
    const dr = increase(read[i - 1]!, read[i]!);
    if (dh === null || dr === null || dh + dr === 0) return null;
    return dh / (dh + dr);
  });
}

/** Builds the epoch key from the values that, when changed, invalidate an interval. */
export function epochOf(...parts: (number | string | boolean | null | undefined)[]): string {
  return parts.map((p) => (p === null || p === undefined ? "-" : String(p))).join("|");
}
