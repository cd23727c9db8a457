import { describe, expect, test } from "vitest";
import { bucketEnds, HOUR_MS, TEN_MIN_MS, windowPlan } from "@/lib/store/statement-window";

const M = 60_000;
const H0 = 1_795_676_400_000; // an hour boundary

describe("windowPlan", () => {
  const all = () => true;
  test("a window on an hour uses the hour; unaligned edges are raw up to the next 10-minute boundary", () => {
    expect(windowPlan(H0, H0 + HOUR_MS, all)).toEqual({ hours: [H0 + HOUR_MS], tens: [], raw: [] });
    expect(windowPlan(H0 - 3 * M, H0 + HOUR_MS + 25 * M, all)).toEqual({
      hours: [H0 + HOUR_MS],
      tens: [H0 + HOUR_MS + 10 * M, H0 + HOUR_MS + 20 * M],
      raw: [[H0 - 3 * M, H0], [H0 + HOUR_MS + 20 * M, H0 + HOUR_MS + 25 * M]],
    });
  });
  test("buckets not rolled up are read raw, contiguous raw ranges merged", () => {
    const marked = (span: number, end: number) => span === TEN_MIN_MS && end !== H0 + 20 * M && end !== H0 + 30 * M;
    expect(windowPlan(H0, H0 + HOUR_MS, marked)).toEqual({
      hours: [],
      tens: [H0 + 10 * M, H0 + 40 * M, H0 + 50 * M, H0 + 60 * M],
      raw: [[H0 + 10 * M, H0 + 30 * M]],
    });
    expect(windowPlan(H0 + 5 * M, H0 + 7 * M, all)).toEqual({ hours: [], tens: [], raw: [[H0 + 5 * M, H0 + 7 * M]] });
    expect(windowPlan(H0, H0, all)).toEqual({ hours: [], tens: [], raw: [] });
  });
  test("with nothing rolled up, the whole window is one raw range", () => {
    expect(windowPlan(H0 + 1, H0 + 7 * 24 * HOUR_MS, () => false)).toEqual({ hours: [], tens: [], raw: [[H0 + 1, H0 + 7 * 24 * HOUR_MS]] });
  });
});

describe("bucketEnds", () => {
  test("the ends after `after`, up to `until`, at most `max`", () => {
    expect(bucketEnds(H0, H0 + 25 * M, TEN_MIN_MS, 10)).toEqual([H0 + 10 * M, H0 + 20 * M]);
    expect(bucketEnds(H0 - 1, H0, TEN_MIN_MS, 10)).toEqual([H0]);
    expect(bucketEnds(H0, H0 + 5 * HOUR_MS, HOUR_MS, 2)).toEqual([H0 + HOUR_MS, H0 + 2 * HOUR_MS]);
  });
});
