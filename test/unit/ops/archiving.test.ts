import { describe, expect, it } from "vitest";
import { archivingFindings, toArchiver } from "@/lib/pg/replication/archiving";

const MB16 = 16 * 1024 * 1024;
const T = Date.UTC(2026, 0, 1);

const row = (over: Record<string, unknown>) => ({
  archive_mode: "on", archive_command: "pgbackrest archive-push %p", archive_library: null,
  archived_count: 10, last_archived_wal: "000000010000000000000010", last_archived_ms: T - 3_600_000,
  failed_count: 0, last_failed_wal: null, last_failed_ms: null, stats_reset_ms: T - 86_400_000,
  current_wal_file: "000000010000000000000012", wal_segment_bytes: MB16, ...over,
});

describe("archiver state", () => {
  it("failing when the last failure is after the last success; failing since that success", () => {
    const a = toArchiver(row({ failed_count: 3, last_failed_wal: "000000010000000000000011", last_failed_ms: T - 60_000 }), 1);
    expect(a).toMatchObject({ failing: true, failingSince: T - 3_600_000, segmentsWaiting: 1, readyFiles: 1 });
    const [f] = archivingFindings(a, "primary", MB16, T);
    expect(f).toMatchObject({ check: "archiver_failing", severity: "critical", title: "WAL archiving is failing for 1h 00m" });
    expect(f!.evidence.join("\n")).toContain("000000010000000000000011");
    expect(f!.evidence.join("\n")).toContain("1 segment(s) waiting (16.0 MB)");
  });
  it("an old failure followed by successes is not failing", () => {
    const a = toArchiver(row({ failed_count: 3, last_failed_ms: T - 7_200_000 }), 0);
    expect(a.failing).toBe(false);
    expect(archivingFindings(a, "primary", MB16, T)).toEqual([]);
  });
  it("never archived: failing since the statistics were reset; backlog from .ready files", () => {
    const a = toArchiver(row({ archived_count: 0, last_archived_wal: null, last_archived_ms: null, failed_count: 1, last_failed_ms: T }), 4);
    expect(a).toMatchObject({ failing: true, failingSince: T - 86_400_000, segmentsWaiting: null });
    expect(archivingFindings(a, "primary", MB16, T)[0]!.evidence.join("\n")).toContain("4 segment(s) waiting");
  });
  it("archive_mode on without a command is critical; a long backlog is a warning; archive_mode off is information", () => {
    expect(archivingFindings(toArchiver(row({ archive_command: "" }), null), "primary", MB16, T)[0]).toMatchObject({ check: "archiver_unconfigured", severity: "critical" });
    expect(archivingFindings(toArchiver(row({ current_wal_file: "000000010000000000000030" }), null), "primary", MB16, T)[0]).toMatchObject({ check: "archiver_behind", severity: "warning" });
    const off = toArchiver(row({ archive_mode: "off", failed_count: 5, last_failed_ms: T }), null);
    expect(off).toMatchObject({ failing: false, segmentsWaiting: null });
    expect(archivingFindings(off, "primary", MB16, T).map((f) => f.severity)).toEqual(["info"]);
    expect(archivingFindings(off, "standby", MB16, T)).toEqual([]);
  });
});
