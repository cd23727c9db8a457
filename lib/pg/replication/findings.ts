// Replication health findings (pure): what a DBA on call must see first on the replication page.
// Thresholds: replication lag > 5 s (PgHero's default), any inactive slot that retains WAL
// (PgHero, pgwatch), a lost or about-to-be-lost slot, a standby that does not receive or replay.
import { escapeLiteral } from "pg";
import { formatBytes, formatDuration } from "@/lib/format";
import type { Finding, ServerLink } from "@/lib/schemas/findings";
import type { Receiver, Recovery, Slot, Standby } from "@/lib/schemas/replication";

export const LAG_WARNING_MS = 5_000;
/** An inactive slot retaining more than this, with no max_slot_wal_keep_size cap, is critical. */
export const SLOT_CRITICAL_BYTES = 1024 ** 3;

export interface ReplicationFacts {
  role: "primary" | "standby";
  standbys: Standby[];
  slots: Slot[];
  receiver: Receiver | null;
  recovery: Recovery | null;
  maxSlotWalKeepSizeMb: number | null;
  /** other registered servers with this system identifier that are primaries too */
  otherPrimaries: ServerLink[];
  now: number;
}

function ago(now: number, at: number | null): string {
  return at === null ? "unknown" : `${formatDuration(now - at)} ago`;
}

function slotFinding(s: Slot, f: ReplicationFacts): Finding | null {
  const drop = `SELECT pg_drop_replication_slot(${escapeLiteral(s.name)});`;
  const evidence = [
    `${s.type} slot${s.database ? ` on database ${s.database}` : ""}, ${s.active ? `active (pid ${s.activePid})` : "inactive"}`,
    `retains ${formatBytes(s.retainedBytes)} of WAL (restart_lsn ${s.restartLsn ?? "—"})`,
    `wal_status ${s.walStatus ?? "—"}${s.safeWalSizeBytes !== null ? `, ${formatBytes(s.safeWalSizeBytes)} until it is lost` : ""}`,
  ];
  if (s.inactiveSince !== null) evidence.push(`inactive since ${new Date(s.inactiveSince).toISOString()} (${ago(f.now, s.inactiveSince)})`);
  if (s.xminAge !== null) evidence.push(`holds back VACUUM: xmin ${s.xmin} is ${s.xminAge.toLocaleString("en-US")} transactions old`);
  if (s.catalogXminAge !== null) evidence.push(`holds back VACUUM of the catalogs: catalog_xmin ${s.catalogXmin} is ${s.catalogXminAge.toLocaleString("en-US")} transactions old`);
  const unlimited = f.maxSlotWalKeepSizeMb === null || f.maxSlotWalKeepSizeMb < 0;
  evidence.push(unlimited ? "max_slot_wal_keep_size = -1: no cap, it keeps WAL until the disk is full" : `max_slot_wal_keep_size = ${f.maxSlotWalKeepSizeMb} MB`);

  if (s.walStatus === "lost" || s.invalidationReason) {
    return {
      check: "slot_lost",
      id: `slot_lost:${s.name}`,
      severity: "critical",
      title: `Replication slot ${s.name} is invalidated${s.invalidationReason ? ` (${s.invalidationReason})` : ""}: its consumer can no longer catch up`,
      evidence,
      fix: `Rebuild the standby or subscriber that used it, then drop the slot:\n${drop}`,
    };
  }
  if (s.active || !s.restartLsn) return null;
  const big = (s.retainedBytes ?? 0) >= SLOT_CRITICAL_BYTES && unlimited;
  return {
    check: "inactive_slot",
    id: `inactive_slot:${s.name}`,
    severity: s.walStatus === "unreserved" || big ? "critical" : "warning",
    title: `Inactive replication slot ${s.name} retains ${formatBytes(s.retainedBytes)} of WAL`,
    evidence,
    fix:
      `If nothing will connect with this slot again (a decommissioned standby, a dropped subscription), drop it:\n${drop}\n` +
      `Otherwise bring its consumer back. To cap what any slot may keep: ALTER SYSTEM SET max_slot_wal_keep_size = '50GB'; SELECT pg_reload_conf();`,
  };
}

function standbyFinding(s: Standby): Finding | null {
  if (s.hidden) return null;
  const name = s.applicationName || `pid ${s.pid}`;
  if (s.state !== "streaming" && s.state !== "backup") {
    return {
      check: "standby_not_streaming",
      id: `standby_not_streaming:${s.pid}`,
      severity: "warning",
      title: `Standby ${name} is ${s.state ?? "in an unknown state"}, not streaming`,
      evidence: [`state ${s.state}`, `replay is ${formatBytes(s.replayLagBytes)} behind`],
      fix: "A standby in catchup is replaying a backlog; if it stays there, check its log and network.",
    };
  }
  if (s.state === "streaming" && s.replayLagMs !== null && s.replayLagMs > LAG_WARNING_MS) {
    return {
      check: "replication_lag",
      id: `replication_lag:${s.pid}`,
      severity: "warning",
      title: `Standby ${name} replays ${formatDuration(s.replayLagMs)} behind`,
      evidence: [
        `replay lag ${formatDuration(s.replayLagMs)} (write ${formatDuration(s.writeLagMs)}, flush ${formatDuration(s.flushLagMs)})`,
        `${formatBytes(s.replayLagBytes)} of WAL not yet replayed`,
      ],
      fix: "Check the standby: replay paused (pg_get_wal_replay_pause_state()), conflicts with its queries, or I/O. Reads there see data this old.",
    };
  }
  return null;
}

function standbySideFindings(f: ReplicationFacts): Finding[] {
  const out: Finding[] = [];
  const r = f.recovery;
  if (r?.paused || r?.pauseState === "pause requested") {
    out.push({
      check: "replay_paused",
      id: "replay_paused",
      severity: "warning",
      title: `WAL replay is ${r.pauseState}: this standby falls behind while it stays paused`,
      evidence: [`${formatBytes(r.replayLagBytes)} received but not replayed`, `last replayed transaction ${r.lastReplayTime ? new Date(r.lastReplayTime).toISOString() : "—"}`],
      fix: "SELECT pg_wal_replay_resume();",
    });
  } else if (r && !r.caughtUp && r.replayLagMs !== null && r.replayLagMs > LAG_WARNING_MS) {
    out.push({
      check: "replay_lag",
      id: "replay_lag",
      severity: "warning",
      title: `Replay is ${formatDuration(r.replayLagMs)} behind`,
      evidence: [`${formatBytes(r.replayLagBytes)} received but not replayed`],
      fix: "Long queries on this standby may be holding replay back (max_standby_streaming_delay), or its I/O cannot keep up.",
    });
  }
  if (!f.receiver || f.receiver.status === "stopping" || f.receiver.status === "stopped") {
    out.push({
      check: "standby_not_receiving",
      id: "standby_not_receiving",
      severity: "critical",
      title: "This standby is not streaming from a primary (no WAL receiver)",
      evidence: [f.receiver ? `WAL receiver status ${f.receiver.status}` : "pg_stat_wal_receiver is empty", `last received ${r?.receiveLsn ?? "—"}`],
      fix: "Check primary_conninfo and the standby's log; it may be replaying from an archive (restore_command) only.",
    });
  }
  return out;
}

export function replicationFindings(f: ReplicationFacts): Finding[] {
  const out: Finding[] = [];
  if (f.otherPrimaries.length && f.role === "primary") {
    out.push({
      check: "two_primaries",
      id: "two_primaries",
      severity: "critical",
      title: "Another registered server with this system identifier is also a primary",
      evidence: f.otherPrimaries.map((p) => `${p.name} (${p.id}) is not in recovery`),
      fix: "A promoted standby (failover) or a split brain: make sure applications write to one of them only, then rebuild the other as a standby.",
    });
  }
  for (const s of f.slots) {
    const x = slotFinding(s, f);
    if (x) out.push(x);
  }
  for (const s of f.standbys) {
    const x = standbyFinding(s);
    if (x) out.push(x);
  }
  if (f.role === "standby") out.push(...standbySideFindings(f));
  const rank = { critical: 0, warning: 1, info: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

export const IDLE_PRIMARY_NOTE =
  "Time lag is measured from the last replayed transaction: when the primary is idle there is nothing to replay and it grows anyway. Trust the bytes first.";
