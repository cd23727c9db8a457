// Which stored rows answer a window (from, to] of the pg_stat_statements history (pure: unit-tested
// in test/unit/statement-window.test.ts). Whole hours and whole 10-minute buckets that have been
// rolled up (their mark exists) are read from metric_statement_rollups; everything else — the
// window's unaligned edges, and buckets not rolled up yet (the current one, or a gap while no
// sampler ran) — from the raw deltas. The window is never widened: its totals are exactly those of
// the raw deltas taken in (from, to], whatever its bounds.

export const TEN_MIN_MS = 600_000;
export const HOUR_MS = 3_600_000;

export interface WindowPlan {
  /** ends of the hourly buckets to read (each covers (end - 1 h, end]) */
  hours: number[];
  /** ends of the 10-minute buckets to read */
  tens: number[];
  /** raw delta ranges (from, to], contiguous ones merged */
  raw: [number, number][];
}

/**
 * `marked(span, end)` says whether the bucket ending at `end` is rolled up. Greedy from the start:
 * an hour when one starts here, fits and is marked; else a 10-minute bucket likewise; else raw up
 * to the next 10-minute boundary.
 */
export function windowPlan(from: number, to: number, marked: (spanMs: number, end: number) => boolean): WindowPlan {
  const plan: WindowPlan = { hours: [], tens: [], raw: [] };
  let cur = from;
  while (cur < to) {
    if (cur % HOUR_MS === 0 && cur + HOUR_MS <= to && marked(HOUR_MS, cur + HOUR_MS)) {
      plan.hours.push(cur + HOUR_MS);
      cur += HOUR_MS;
    } else if (cur % TEN_MIN_MS === 0 && cur + TEN_MIN_MS <= to && marked(TEN_MIN_MS, cur + TEN_MIN_MS)) {
      plan.tens.push(cur + TEN_MIN_MS);
      cur += TEN_MIN_MS;
    } else {
      const next = Math.min(to, Math.floor(cur / TEN_MIN_MS) * TEN_MIN_MS + TEN_MIN_MS);
      const last = plan.raw[plan.raw.length - 1];
      if (last && last[1] === cur) last[1] = next;
      else plan.raw.push([cur, next]);
      cur = next;
    }
  }
  return plan;
}

/** Ends of the buckets of `spanMs` that ended at or before `until`, from the one after `after`. */
export function bucketEnds(after: number, until: number, spanMs: number, max: number): number[] {
  const out: number[] = [];
  for (let end = Math.floor(after / spanMs) * spanMs + spanMs; end <= until && out.length < max; end += spanMs) out.push(end);
  return out;
}
