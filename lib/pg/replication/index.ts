import "server-only";
import pg from "pg";
import type { Limit } from "@/lib/schemas/findings";
import type { Receiver, Recovery, ReplicationResponse, Slot, Standby } from "@/lib/schemas/replication";
import { cachedServerFacts, type ServerFacts } from "../server-facts";
import { coalescedRead } from "../run";
import type { Queryable } from "../types";
import { IDLE_PRIMARY_NOTE, replicationFindings } from "./findings";
import { peersOf, pgbouncerLink } from "./links";
import { recoverySql, REPLICATION_BASICS, slotsSql, STANDBYS, WAL_DIR_ALLOWED, WAL_DIR_SIZE, WAL_RECEIVER } from "./sql";

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

function toStandby(r: Row): Standby {
  return {
    pid: Number(r.pid),
    applicationName: str(r.application_name),
    user: str(r.user),
    clientAddr: str(r.client_addr),
    clientHostname: str(r.client_hostname),
    clientPort: num(r.client_port),
    backendStart: num(r.backend_start_ms),
    state: str(r.state),
    syncState: str(r.sync_state),
    syncPriority: num(r.sync_priority),
    sentLsn: str(r.sent_lsn),
    writeLsn: str(r.write_lsn),
    flushLsn: str(r.flush_lsn),
    replayLsn: str(r.replay_lsn),
    sentLagBytes: num(r.sent_lag_bytes),
    writeLagBytes: num(r.write_lag_bytes),
    flushLagBytes: num(r.flush_lag_bytes),
    replayLagBytes: num(r.replay_lag_bytes),
    writeLagMs: num(r.write_lag_ms),
    flushLagMs: num(r.flush_lag_ms),
    replayLagMs: num(r.replay_lag_ms),
    replyTime: num(r.reply_time_ms),
    slotName: str(r.slot_name),
    consoleServer: null,
    // Without pg_read_all_stats PostgreSQL shows a walsender's pid and nothing else.
    hidden: r.state === null,
  };
}

function toSlot(r: Row): Slot {
  return {
    name: String(r.slot_name),
    type: r.slot_type === "logical" ? "logical" : "physical",
    plugin: str(r.plugin),
    database: str(r.database),
    temporary: Boolean(r.temporary),
    active: Boolean(r.active),
    activePid: num(r.active_pid),
    xmin: str(r.xmin),
    catalogXmin: str(r.catalog_xmin),
    xminAge: num(r.xmin_age),
    catalogXminAge: num(r.catalog_xmin_age),
    restartLsn: str(r.restart_lsn),
    confirmedFlushLsn: str(r.confirmed_flush_lsn),
    retainedBytes: num(r.retained_bytes),
    walStatus: str(r.wal_status),
    safeWalSizeBytes: num(r.safe_wal_size),
    inactiveSince: num(r.inactive_since_ms),
    invalidationReason: str(r.invalidation_reason),
    conflicting: r.conflicting === null || r.conflicting === undefined ? null : Boolean(r.conflicting),
    twoPhase: r.two_phase === null || r.two_phase === undefined ? null : Boolean(r.two_phase),
    failover: r.failover === null || r.failover === undefined ? null : Boolean(r.failover),
    synced: r.synced === null || r.synced === undefined ? null : Boolean(r.synced),
  };
}

function toReceiver(r: Row): Receiver {
  return {
    pid: Number(r.pid),
    status: str(r.status),
    receiveStartLsn: str(r.receive_start_lsn),
    receiveStartTli: num(r.receive_start_tli),
    writtenLsn: str(r.written_lsn),
    flushedLsn: str(r.flushed_lsn),
    receivedTli: num(r.received_tli),
    lastMsgSendTime: num(r.last_msg_send_ms),
    lastMsgReceiptTime: num(r.last_msg_receipt_ms),
    latestEndLsn: str(r.latest_end_lsn),
    latestEndTime: num(r.latest_end_ms),
    slotName: str(r.slot_name),
    senderHost: str(r.sender_host),
    senderPort: num(r.sender_port),
    hidden: r.status === null,
  };
}

function toRecovery(r: Row): Recovery {
  const lagBytes = num(r.replay_lag_bytes);
  const pauseState = str(r.pause_state);
  const caughtUp = lagBytes !== null && lagBytes <= 0;
  return {
    receiveLsn: str(r.receive_lsn),
    replayLsn: str(r.replay_lsn),
    replayLagBytes: lagBytes,
    lastReplayTime: num(r.last_replay_ms),
    replayLagMs: num(r.replay_lag_ms),
    pauseState,
    paused: pauseState === "paused",
    caughtUp,
    note: caughtUp ? IDLE_PRIMARY_NOTE : null,
  };
}

export interface ReplicationSnapshot {
  readAt: number;
  inRecovery: boolean;
  currentLsn: string | null;
  systemIdentifier: string | null;
  postmasterStart: number | null;
  timeline: number | null;
  maxSlotWalKeepSizeMb: number | null;
  standbys: Standby[];
  slots: Slot[];
  walDirBytes: number | null;
  receiver: Receiver | null;
  recovery: Recovery | null;
}

/** Everything in one READ ONLY transaction, so positions and lags compare at one instant. */
export async function replicationSnapshot(db: Queryable, versionNum: number): Promise<ReplicationSnapshot> {
  const b = (await db.query(REPLICATION_BASICS)).rows[0];
  const inRecovery = Boolean(b.in_recovery);
  const standbys = (await db.query(STANDBYS)).rows.map(toStandby);
  const slots = (await db.query(slotsSql(versionNum))).rows.map(toSlot);
  const allowed = (await db.query(WAL_DIR_ALLOWED)).rows[0]?.allowed === true;
  const walDirBytes = allowed ? num((await db.query(WAL_DIR_SIZE)).rows[0]?.bytes) : null;
  let receiver: Receiver | null = null;
  let recovery: Recovery | null = null;
  if (inRecovery) {
    const w = (await db.query(WAL_RECEIVER)).rows[0];
    receiver = w ? toReceiver(w) : null;
    recovery = toRecovery((await db.query(recoverySql(versionNum))).rows[0]);
  }
  return {
    readAt: Date.now(),
    inRecovery,
    currentLsn: str(b.current_lsn),
    systemIdentifier: str(b.system_identifier),
    postmasterStart: num(b.postmaster_start_ms),
    timeline: num(b.checkpoint_timeline),
    maxSlotWalKeepSizeMb: num(b.max_slot_wal_keep_size_mb),
    standbys,
    slots,
    walDirBytes,
    receiver,
    recovery,
  };
}

function limitsOf(snap: ReplicationSnapshot, facts: ServerFacts): Limit[] {
  const role = pg.escapeIdentifier(facts.role);
  const out: Limit[] = [];
  if (snap.standbys.some((s) => s.hidden) || snap.receiver?.hidden) {
    out.push({ what: "Replication positions and lag (pg_stat_replication, pg_stat_wal_receiver) are hidden from the console's role", grant: `GRANT pg_monitor TO ${role};` });
  }
  if (snap.walDirBytes === null) out.push({ what: "The size of pg_wal (pg_ls_waldir)", grant: `GRANT pg_monitor TO ${role};` });
  return out;
}

export async function replicationStatus(server: string): Promise<ReplicationResponse> {
  const facts = await cachedServerFacts(server);
  const snap = await coalescedRead({ server }, "replication", (db) => replicationSnapshot(db, facts.versionNum));
  const peers = await peersOf(server, snap);
  const standbys = snap.standbys.map((s) => {
    const peer = s.slotName ? peers.find((p) => p.inRecovery && p.receiverSlot === s.slotName) : undefined;
    return peer ? { ...s, consoleServer: { id: peer.id, name: peer.name } } : s;
  });
  const role = snap.inRecovery ? "standby" : "primary";
  const primaries = peers.filter((p) => !p.inRecovery).map(({ id, name }) => ({ id, name }));
  const now = snap.readAt;
  return {
    server,
    role,
    versionNum: facts.versionNum,
    systemIdentifier: snap.systemIdentifier,
    timeline: snap.timeline,
    currentLsn: snap.currentLsn,
    standbys,
    slots: snap.slots,
    walDirBytes: snap.walDirBytes,
    maxSlotWalKeepSizeMb: snap.maxSlotWalKeepSizeMb,
    receiver: snap.receiver,
    recovery: snap.recovery,
    links: {
      primary: role === "standby" ? (primaries[0] ?? null) : null,
      standbys: peers.filter((p) => p.inRecovery).map(({ id, name }) => ({ id, name })),
      pgbouncer: pgbouncerLink(server),
    },
    limits: limitsOf(snap, facts),
    findings: replicationFindings({
      role,
      standbys,
      slots: snap.slots,
      receiver: snap.receiver,
      recovery: snap.recovery,
      maxSlotWalKeepSizeMb: snap.maxSlotWalKeepSizeMb,
      otherPrimaries: role === "primary" ? primaries : [],
      now,
    }),
    readAt: snap.readAt,
  };
}
