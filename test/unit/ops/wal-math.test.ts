import { describe, expect, it } from "vitest";
import { lsnDiffBytes, lsnToBigInt, recordWalSample, segmentsWaiting, walSegmentNumber, type WalSample } from "@/lib/pg/replication/wal-math";

const MB16 = 16 * 1024 * 1024;

describe("LSN arithmetic", () => {
  it("reads PostgreSQL's text form, including positions past 4 GB", () => {
    expect(lsnToBigInt("0/3000060")).toBe(0x3000060n);
    expect(lsnToBigInt("16/B374D848")).toBe((0x16n << 32n) + 0xb374d848n);
    expect(lsnDiffBytes("1/0", "0/FFFFFFFF")).toBe(1);
    expect(lsnDiffBytes("0/1000000", "0/2000000")).toBe(-MB16);
  });
  it("refuses anything that is not an LSN", () => {
    expect(lsnToBigInt("")).toBeNull();
    expect(lsnToBigInt("1/2/3")).toBeNull();
    expect(lsnToBigInt("G/0")).toBeNull();
    expect(lsnDiffBytes("x", "0/0")).toBeNull();
  });
});

describe("WAL segment numbers", () => {
  it("counts segments across log files for the segment size, ignoring the timeline", () => {
    expect(walSegmentNumber("000000010000000000000003", MB16)).toBe(3);
    expect(walSegmentNumber("000000020000000100000002", MB16)).toBe(256 + 2);
    expect(walSegmentNumber("000000010000000100000002", 1024 * 1024 * 1024)).toBe(4 + 2);
  });
  it("accepts .partial and .backup names, not timeline history files", () => {
    expect(walSegmentNumber("000000010000000000000007.partial", MB16)).toBe(7);
    expect(walSegmentNumber("000000010000000000000007.00000028.backup", MB16)).toBe(7);
    expect(walSegmentNumber("00000002.history", MB16)).toBeNull();
  });
  it("segments waiting: those after the last archived and before the one being written", () => {
    expect(segmentsWaiting("000000010000000000000009", "000000010000000000000008", MB16)).toBe(0);
    expect(segmentsWaiting("000000010000000000000009", "000000010000000000000005", MB16)).toBe(3);
    expect(segmentsWaiting("000000010000000100000001", "0000000100000000000000FE", MB16)).toBe(2);
    expect(segmentsWaiting("000000010000000000000009", null, MB16)).toBeNull();
    expect(segmentsWaiting(null, "000000010000000000000005", MB16)).toBeNull();
  });
});

describe("WAL per hour from two reads", () => {
  it("needs two reads at least 10 s apart, then measures over the longest window", () => {
    const samples: WalSample[] = [];
    expect(recordWalSample(samples, { at: 0, lsn: "0/0" })).toBeNull();
    expect(recordWalSample(samples, { at: 5_000, lsn: "0/100000" })).toBeNull();
    const r = recordWalSample(samples, { at: 36_000, lsn: "0/1000000" });
    expect(r).toEqual({ bytesPerHour: MB16 * 100, windowMs: 36_000 });
  });
  it("keeps at most one sample per 5 s and forgets samples older than an hour", () => {
    const samples: WalSample[] = [];
    for (let t = 0; t <= 2 * 3_600_000; t += 1_000) recordWalSample(samples, { at: t, lsn: `0/${(t * 10).toString(16)}` });
    expect(samples.length).toBeLessThanOrEqual(721);
    expect(2 * 3_600_000 - samples[0]!.at).toBeLessThanOrEqual(3_600_000 + 5_000);
  });
  it("starts over when the position goes back (a re-created cluster)", () => {
    const samples: WalSample[] = [{ at: 0, lsn: "5/0" }];
    expect(recordWalSample(samples, { at: 60_000, lsn: "0/100" })).toBeNull();
    expect(samples).toEqual([{ at: 60_000, lsn: "0/100" }]);
  });
});
