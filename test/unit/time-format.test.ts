import { describe, expect, it } from "vitest";
import { formatTimestamp, parseTime } from "@/lib/format";
import { staleness } from "@/lib/queries/freshness";
import { ApiClientError } from "@/lib/queries/fetch-json";

const AT = Date.UTC(2026, 0, 31, 23, 59, 7, 640); // 2026-01-31 23:59:07.640 UTC

describe("one timestamp format, with the zone", () => {
  it("UTC: ISO-like date and time, seconds truncated, the zone named", () => {
    expect(formatTimestamp(AT)).toBe("2026-01-31 23:59:07 UTC");
    expect(formatTimestamp(AT, "utc")).toBe("2026-01-31 23:59:07 UTC");
  });

  it("local: the wall clock of the zone with its offset, across a date line", () => {
    expect(formatTimestamp(AT, "local", "Europe/Berlin")).toBe("2026-02-01 00:59:07 UTC+01:00");
    expect(formatTimestamp(AT, "local", "America/New_York")).toBe("2026-01-31 18:59:07 UTC-05:00");
    expect(formatTimestamp(AT, "local", "Asia/Kolkata")).toBe("2026-02-01 05:29:07 UTC+05:30");
    expect(formatTimestamp(AT, "local", "UTC")).toBe("2026-01-31 23:59:07 UTC+00:00");
  });

  it("follows daylight saving time", () => {
    expect(formatTimestamp(Date.UTC(2026, 6, 1, 12, 0, 0), "local", "Europe/Berlin")).toBe("2026-07-01 14:00:00 UTC+02:00");
  });

  it("a missing time is a dash, an ISO string from the API parses", () => {
    expect(formatTimestamp(null)).toBe("—");
    expect(formatTimestamp(undefined, "local")).toBe("—");
    expect(parseTime("2026-01-31T23:59:07.640Z")).toBe(AT);
    expect(parseTime("2026-01-31 23:59:07.64+00")).toBe(AT);
    expect(parseTime(null)).toBeNull();
    expect(parseTime("not a time")).toBeNull();
  });
});

describe("stale after two missed polls", () => {
  const base = { updatedAt: 10_000, intervalMs: 2_000, paused: false, error: null };
  it("one late or failed poll is not stale yet", () => {
    expect(staleness({ ...base, now: 14_000 })).toBeNull();
    expect(staleness({ ...base, now: 15_000, error: new ApiClientError(503, "unreachable", "The database server is unreachable.") })).toBeNull();
  });
  it("two missed polls: stale since the last read, with the reason", () => {
    const err = new ApiClientError(503, "unreachable", "The database server is unreachable.");
    expect(staleness({ ...base, now: 15_001, error: err })).toEqual({ since: 10_000, reason: "The database server is unreachable." });
    expect(staleness({ ...base, now: 16_000 })?.reason).toMatch(/^no answer for 6\.0 s/);
  });
  it("paused on purpose, or nothing read yet, is not stale", () => {
    expect(staleness({ ...base, now: 60_000, paused: true })).toBeNull();
    expect(staleness({ ...base, updatedAt: undefined, now: 60_000 })).toBeNull();
  });
});
