import { describe, expect, it } from "vitest";
import { formatAgo, formatBytes, formatDuration, formatNumber, formatPercent } from "@/lib/format";

describe("format", () => {
  it("bytes in binary units", () => {
    expect(formatBytes(0)).toBe("0 B");
    expect(formatBytes(1536)).toBe("1.5 kB");
    expect(formatBytes(350 * 1024 * 1024)).toBe("350 MB");
    expect(formatBytes(null)).toBe("—");
  });
  it("durations from ms to days", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(12_340)).toBe("12.3 s");
    expect(formatDuration(245_000)).toBe("4m 05s");
    expect(formatDuration(3 * 3_600_000 + 12 * 60_000)).toBe("3h 12m");
    expect(formatDuration(52 * 3_600_000)).toBe("2d 4h");
  });
  it("numbers, percentages and relative times", () => {
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(formatPercent(0.1234)).toBe("12.3 %");
    expect(formatAgo(1_000, 13_000)).toBe("12 s ago");
    expect(formatAgo(null, 0)).toBe("never");
  });
});
