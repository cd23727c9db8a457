import { describe, expect, it } from "vitest";
import { replicationFindings, SLOT_CRITICAL_BYTES, type ReplicationFacts } from "@/lib/pg/replication/findings";
import type { Recovery, Slot, Standby } from "@/lib/schemas/replication";

const NOW = Date.UTC(2026, 0, 1);

function slot(over: Partial<Slot>): Slot {
  return {
    name: "s1", type: "physical", plugin: null, database: null, temporary: false, active: false, activePid: null,
    xmin: null, catalogXmin: null, xminAge: null, catalogXminAge: null, restartLsn: "0/3000000", confirmedFlushLsn: null,
    retainedBytes: 48 * 1024 * 1024, walStatus: "extended", safeWalSizeBytes: null, inactiveSince: null, invalidationReason: null,
    conflicting: null, twoPhase: null, failover: null, synced: null, ...over,
  };
}
function standby(over: Partial<Standby>): Standby {
  return {
    pid: 10, applicationName: "replica1", user: "rep", clientAddr: "10.0.0.2", clientHostname: null, clientPort: 5000, backendStart: NOW,
    state: "streaming", syncState: "async", syncPriority: 0, sentLsn: "0/1", writeLsn: "0/1", flushLsn: "0/1", replayLsn: "0/1",
    sentLagBytes: 0, writeLagBytes: 0, flushLagBytes: 0, replayLagBytes: 0, writeLagMs: null, flushLagMs: null, replayLagMs: null,
    replyTime: NOW, slotName: null, consoleServer: null, hidden: false, ...over,
  };
}
const recovery = (over: Partial<Recovery>): Recovery => ({
  receiveLsn: "0/5", replayLsn: "0/5", replayLagBytes: 0, lastReplayTime: NOW - 600_000, replayLagMs: 600_000,
  pauseState: "not paused", paused: false, caughtUp: true, note: null, ...over,
});
const facts = (over: Partial<ReplicationFacts>): ReplicationFacts => ({
  role: "primary", standbys: [], slots: [], receiver: null, recovery: null, maxSlotWalKeepSizeMb: -1, otherPrimaries: [], now: NOW, ...over,
});

describe("slot findings", () => {
  it("an inactive slot retaining WAL is a warning with the drop statement, quoted as a literal", () => {
    const [f] = replicationFindings(facts({ slots: [slot({ name: "old_replica", inactiveSince: NOW - 3 * 3_600_000 })] }));
    expect(f).toMatchObject({ check: "inactive_slot", id: "inactive_slot:old_replica", severity: "warning" });
    expect(f!.evidence.join("\n")).toContain("retains 48.0 MB of WAL");
    expect(f!.evidence.join("\n")).toContain("3h 00m ago");
    expect(f!.fix).toContain("SELECT pg_drop_replication_slot('old_replica');");
  });
  it("is critical past 1 GB without a max_slot_wal_keep_size cap, or when unreserved; a warning when capped", () => {
    const big = slot({ retainedBytes: SLOT_CRITICAL_BYTES });
    expect(replicationFindings(facts({ slots: [big] }))[0]!.severity).toBe("critical");
    expect(replicationFindings(facts({ slots: [big], maxSlotWalKeepSizeMb: 65536 }))[0]!.severity).toBe("warning");
    expect(replicationFindings(facts({ slots: [slot({ walStatus: "unreserved" })], maxSlotWalKeepSizeMb: 64 }))[0]!.severity).toBe("critical");
  });
  it("a lost or invalidated slot is critical even when active; an active healthy slot or one without restart_lsn is fine", () => {
    expect(replicationFindings(facts({ slots: [slot({ walStatus: "lost", restartLsn: null })] }))[0]).toMatchObject({ check: "slot_lost", severity: "critical" });
    expect(replicationFindings(facts({ slots: [slot({ active: true, invalidationReason: "wal_removed" })] }))[0]!.title).toContain("wal_removed");
    expect(replicationFindings(facts({ slots: [slot({ active: true, activePid: 5 }), slot({ name: "s2", restartLsn: null })] }))).toEqual([]);
  });
  it("says what a slot holds back from VACUUM", () => {
    const [f] = replicationFindings(facts({ slots: [slot({ type: "logical", catalogXmin: "1234", catalogXminAge: 2_000_000 })] }));
    expect(f!.evidence.join("\n")).toContain("catalog_xmin 1234 is 2,000,000 transactions old");
  });
});

describe("standby findings", () => {
  it("lag over 5 s is a warning; a base backup walsender or hidden row is not judged", () => {
    const fs = replicationFindings(facts({ standbys: [standby({ replayLagMs: 12_000, replayLagBytes: 1024 }), standby({ pid: 11, state: "backup" }), standby({ pid: 12, state: null, hidden: true })] }));
    expect(fs.map((f) => f.id)).toEqual(["replication_lag:10"]);
  });
  it("a standby in catchup is not streaming yet", () => {
    expect(replicationFindings(facts({ standbys: [standby({ state: "catchup" })] }))[0]!.check).toBe("standby_not_streaming");
  });
  it("on a standby: paused replay and a missing WAL receiver; an idle primary's time lag alone is not a finding", () => {
    const receiver = { pid: 1, status: "streaming" } as ReplicationFacts["receiver"];
    expect(replicationFindings(facts({ role: "standby", receiver, recovery: recovery({}) }))).toEqual([]);
    const paused = replicationFindings(facts({ role: "standby", receiver, recovery: recovery({ paused: true, pauseState: "paused", caughtUp: false, replayLagBytes: 100 }) }));
    expect(paused.map((f) => f.check)).toEqual(["replay_paused"]);
    const lost = replicationFindings(facts({ role: "standby", receiver: null, recovery: recovery({}) }));
    expect(lost[0]).toMatchObject({ check: "standby_not_receiving", severity: "critical" });
  });
  it("another primary with the same system identifier is critical and sorted first", () => {
    const fs = replicationFindings(facts({ slots: [slot({})], otherPrimaries: [{ id: "b", name: "B" }] }));
    expect(fs.map((f) => f.check)).toEqual(["two_primaries", "inactive_slot"]);
    expect(fs[0]!.evidence).toEqual(["B (b) is not in recovery"]);
  });
});

describe("drop slot request", () => {
  it("needs the exact phrase `drop <slot name>` and a name PostgreSQL allows for slots", async () => {
    const { DropSlotRequest } = await import("@/lib/schemas/replication");
    expect(DropSlotRequest.safeParse({ slot: "old_replica", confirm: "drop old_replica" }).success).toBe(true);
    expect(DropSlotRequest.safeParse({ slot: "old_replica", confirm: "drop old" }).success).toBe(false);
    expect(DropSlotRequest.safeParse({ slot: "old_replica", confirm: "DROP old_replica" }).success).toBe(false);
    expect(DropSlotRequest.safeParse({ slot: "Old'; --", confirm: "drop Old'; --" }).success).toBe(false);
    expect(DropSlotRequest.safeParse({ slot: "a".repeat(64), confirm: `drop ${"a".repeat(64)}` }).success).toBe(false);
  });
});
