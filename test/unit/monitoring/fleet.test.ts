import { describe, expect, it } from "vitest";
import type { Point } from "@/lib/monitoring/charts";
import { fleetCard, versionText } from "@/lib/monitoring/fleet";
import { bearerMatches } from "@/lib/monitoring/prometheus";

const NOW = 1_700_000_000_000;
const S = { id: "db1", name: "db one" };

function point(ageMs: number, over: Record<string, number | null> = {}): Point {
  const at = NOW - ageMs;
  return { at, lastAt: at, postmaster_start: 1, db_epoch: 1, version_num: 180001, in_recovery: 0, conn_total: 45, max_connections: 100, xact_commit: 0, xact_rollback: 0, blks_hit: 0, blks_read: 0, longest_xact_s: 12, ...over } as Point;
}

describe("fleetCard", () => {
  it("an up server: version, role, connections % of max, TPS and cache hit from its last two samples", () => {
    const cur = point(1_000, { xact_commit: 1500, xact_rollback: 15, blks_hit: 990, blks_read: 10 });
    const card = fleetCard(S, [cur, point(16_000)], undefined, NOW, 15_000);
    expect(card).toMatchObject({ status: "up", version: "18.1", role: "primary", connections: { used: 45, max: 100, percent: 45 }, tps: 101, cacheHitRatio: 0.99, longestTransactionSeconds: 12, replicationLag: null, worstFinding: null });
  });

  it("no TPS across a restart or a reset between its two samples", () => {
    const card = fleetCard(S, [point(1_000, { postmaster_start: 2, xact_commit: 10 }), point(16_000, { xact_commit: 5000 })], undefined, NOW, 15_000);
    expect(card.tps).toBeNull();
    expect(card.status).toBe("up");
  });

  it("down when the newest attempt failed, with since and the error class; stale when nobody samples it", () => {
    const state = { server: "db1", ok: false, errorCode: "unreachable", error: "The database server is unreachable.", since: NOW - 600_000, checkedAt: NOW - 2_000 };
    const down = fleetCard(S, [point(620_000)], state, NOW, 15_000);
    expect(down).toMatchObject({ status: "down", downSince: NOW - 600_000, error: { code: "unreachable" }, tps: null, connections: null });
    expect(down.version).toBe("18.1"); // the last known version stays useful
    // A sample newer than the failure wins: it came back.
    expect(fleetCard(S, [point(1_000)], { ...state, checkedAt: NOW - 5_000 }, NOW, 15_000).status).toBe("up");
    expect(fleetCard(S, [point(120_000)], undefined, NOW, 15_000).status).toBe("stale");
    expect(fleetCard(S, [], { ...state, checkedAt: NOW - 3_600_000 }, NOW, 15_000).status).toBe("stale");
    expect(fleetCard(S, [], undefined, NOW, 15_000)).toMatchObject({ status: "unknown", version: null, role: null });
  });

  it("a standby reports its replay lag and the bytes received but not replayed", () => {
    const card = fleetCard(S, [point(1_000, { in_recovery: 1, replay_lag_s: 4, receive_lsn: 5000, replay_lsn: 3000 })], undefined, NOW, 15_000);
    expect(card).toMatchObject({ role: "standby", replicationLag: { seconds: 4, bytes: 2000 } });
  });

  it("versionText", () => {
    expect(versionText(140023)).toBe("14.23");
    expect(versionText(null)).toBeNull();
  });
});

describe("bearerMatches", () => {
  it("accepts only the exact token as a Bearer credential", () => {
    expect(bearerMatches("Bearer s3cret-token-value", "s3cret-token-value")).toBe(true);
    expect(bearerMatches("bearer s3cret-token-value", "s3cret-token-value")).toBe(true);
    expect(bearerMatches("Bearer s3cret-token-valu", "s3cret-token-value")).toBe(false);
    expect(bearerMatches("Basic s3cret-token-value", "s3cret-token-value")).toBe(false);
    expect(bearerMatches("s3cret-token-value", "s3cret-token-value")).toBe(false);
    expect(bearerMatches(null, "s3cret-token-value")).toBe(false);
  });
});
