import { z } from "./zod";
import { Finding, Limit, ServerLink } from "./findings";

// Replication (standbys, slots, WAL receiver) and WAL archiving / base backups. Shared by the
// routes and the browser. Times are epoch milliseconds; LSNs are PostgreSQL's text form ("0/3000060").

const Lsn = z.string().nullable();
const Ms = z.number().nullable();
const Bytes = z.number().nullable();

/** One walsender on this server (a standby or a base backup streaming from it). */
export const Standby = z.object({
  pid: z.number(),
  applicationName: z.string().nullable(),
  user: z.string().nullable(),
  clientAddr: z.string().nullable(),
  clientHostname: z.string().nullable(),
  clientPort: z.number().nullable(),
  backendStart: Ms,
  /** startup, catchup, streaming, backup, stopping */
  state: z.string().nullable(),
  syncState: z.string().nullable(),
  syncPriority: z.number().nullable(),
  sentLsn: Lsn,
  writeLsn: Lsn,
  flushLsn: Lsn,
  replayLsn: Lsn,
  /** bytes between this server's current WAL position and each position */
  sentLagBytes: Bytes,
  writeLagBytes: Bytes,
  flushLagBytes: Bytes,
  replayLagBytes: Bytes,
  /** PostgreSQL's measured lag times (NULL once an idle standby has caught up) */
  writeLagMs: Ms,
  flushLagMs: Ms,
  replayLagMs: Ms,
  replyTime: Ms,
  /** the slot this walsender streams from, when it uses one */
  slotName: z.string().nullable(),
  /** the servers-file entry this standby is registered as, when known */
  consoleServer: ServerLink.nullable(),
  /** positions hidden: the console's role lacks pg_read_all_stats */
  hidden: z.boolean(),
});
export type Standby = z.infer<typeof Standby>;

export const Slot = z.object({
  name: z.string(),
  type: z.enum(["physical", "logical"]),
  plugin: z.string().nullable(),
  database: z.string().nullable(),
  temporary: z.boolean(),
  active: z.boolean(),
  activePid: z.number().nullable(),
  xmin: z.string().nullable(),
  catalogXmin: z.string().nullable(),
  /** age in transactions of xmin / catalog_xmin: how far the slot holds back VACUUM */
  xminAge: z.number().nullable(),
  catalogXminAge: z.number().nullable(),
  restartLsn: Lsn,
  confirmedFlushLsn: Lsn,
  /** WAL kept for this slot: current position − restart_lsn */
  retainedBytes: Bytes,
  /** reserved, extended, unreserved, lost */
  walStatus: z.string().nullable(),
  /** bytes that can still be written before the slot is lost (NULL when max_slot_wal_keep_size = -1) */
  safeWalSizeBytes: Bytes,
  /** 17+ */
  inactiveSince: Ms,
  invalidationReason: z.string().nullable(),
  /** 16+ */
  conflicting: z.boolean().nullable(),
  twoPhase: z.boolean().nullable(),
  /** 17+ */
  failover: z.boolean().nullable(),
  synced: z.boolean().nullable(),
});
export type Slot = z.infer<typeof Slot>;

/** pg_stat_wal_receiver on a standby. */
export const Receiver = z.object({
  pid: z.number(),
  status: z.string().nullable(),
  receiveStartLsn: Lsn,
  receiveStartTli: z.number().nullable(),
  writtenLsn: Lsn,
  flushedLsn: Lsn,
  receivedTli: z.number().nullable(),
  lastMsgSendTime: Ms,
  lastMsgReceiptTime: Ms,
  latestEndLsn: Lsn,
  latestEndTime: Ms,
  slotName: z.string().nullable(),
  senderHost: z.string().nullable(),
  senderPort: z.number().nullable(),
  hidden: z.boolean(),
});
export type Receiver = z.infer<typeof Receiver>;

/** Where a standby is in receiving and replaying WAL. */
export const Recovery = z.object({
  receiveLsn: Lsn,
  replayLsn: Lsn,
  /** received but not yet replayed */
  replayLagBytes: Bytes,
  /** commit time of the last replayed transaction */
  lastReplayTime: Ms,
  /** now − lastReplayTime: looks large on an idle primary (nothing to replay), see `note` */
  replayLagMs: Ms,
  /** "not paused", "pause requested", "paused" (pg_get_wal_replay_pause_state, 14+) */
  pauseState: z.string().nullable(),
  paused: z.boolean(),
  /** everything received has been replayed */
  caughtUp: z.boolean(),
  note: z.string().nullable(),
});
export type Recovery = z.infer<typeof Recovery>;

export const ReplicationResponse = z.object({
  server: z.string(),
  role: z.enum(["primary", "standby"]),
  versionNum: z.number(),
  systemIdentifier: z.string().nullable(),
  timeline: z.number().nullable(),
  /** primary: the current WAL write position; standby: the last replayed position */
  currentLsn: Lsn,
  standbys: z.array(Standby),
  slots: z.array(Slot),
  /** size of pg_wal (needs pg_monitor) */
  walDirBytes: Bytes,
  /** max_slot_wal_keep_size in MB; -1 = unlimited (slots may fill the disk) */
  maxSlotWalKeepSizeMb: z.number().nullable(),
  receiver: Receiver.nullable(),
  recovery: Recovery.nullable(),
  links: z.object({
    /** the registered primary of this standby (same system identifier, not in recovery) */
    primary: ServerLink.nullable(),
    /** registered standbys of this primary (same system identifier, in recovery) */
    standbys: z.array(ServerLink),
    /** the PgBouncer this entry names in the servers file */
    pgbouncer: ServerLink.nullable(),
  }),
  limits: z.array(Limit),
  findings: z.array(Finding),
  readAt: z.number(),
});
export type ReplicationResponse = z.infer<typeof ReplicationResponse>;

// ---- WAL archiving and base backups ----

export const Archiver = z.object({
  archiveMode: z.string(),
  /** archive_command or archive_library (15+), as configured; null when hidden */
  archiveCommand: z.string().nullable(),
  archiveLibrary: z.string().nullable(),
  archivedCount: z.number(),
  lastArchivedWal: z.string().nullable(),
  lastArchivedTime: Ms,
  failedCount: z.number(),
  lastFailedWal: z.string().nullable(),
  lastFailedTime: Ms,
  statsReset: Ms,
  /** the archiver's last attempt failed (last failure after the last success) */
  failing: z.boolean(),
  /** since when nothing has been archived successfully while failing */
  failingSince: Ms,
  /** segments completed but not yet archived: from positions (primary) */
  segmentsWaiting: z.number().nullable(),
  /** .ready files in pg_wal/archive_status (needs pg_monitor) */
  readyFiles: z.number().nullable(),
});
export type Archiver = z.infer<typeof Archiver>;

export const WalRate = z.object({
  bytesPerHour: z.number().nullable(),
  /** how the rate was measured */
  basis: z.enum(["two_reads", "since_stats_reset", "none"]),
  /** the window it covers, in seconds */
  windowSeconds: z.number().nullable(),
});
export type WalRate = z.infer<typeof WalRate>;

export const BaseBackup = z.object({
  pid: z.number(),
  applicationName: z.string().nullable(),
  user: z.string().nullable(),
  clientAddr: z.string().nullable(),
  backendStart: Ms,
  phase: z.string(),
  /** NULL when the client did not ask for an estimate (pg_basebackup --no-estimate-size) */
  backupTotalBytes: Bytes,
  backupStreamedBytes: z.number(),
  /** streamed / total, 0..1, when the total is known */
  progress: z.number().nullable(),
  tablespacesTotal: z.number(),
  tablespacesStreamed: z.number(),
});
export type BaseBackup = z.infer<typeof BaseBackup>;

export const ArchivingResponse = z.object({
  server: z.string(),
  role: z.enum(["primary", "standby"]),
  currentLsn: Lsn,
  currentWalFile: z.string().nullable(),
  walSegmentBytes: z.number(),
  archiver: Archiver,
  walRate: WalRate,
  baseBackups: z.array(BaseBackup),
  limits: z.array(Limit),
  findings: z.array(Finding),
  readAt: z.number(),
});
export type ArchivingResponse = z.infer<typeof ArchivingResponse>;

// ---- drop slot ----

const SlotName = z.string().regex(/^[a-z0-9_]{1,63}$/, "slot names are lower-case letters, digits and '_' (max 63)");

/** The confirmation is the exact phrase `drop <slot name>`, typed by the person; checked by the server. */
export const DropSlotRequest = z
  .object({ slot: SlotName, confirm: z.string().max(100) })
  .refine((b) => b.confirm === `drop ${b.slot}`, { path: ["confirm"], message: "type exactly: drop <slot name>" });
export type DropSlotRequest = z.infer<typeof DropSlotRequest>;

export const DropSlotOutcome = z.enum(["dropped", "active", "not_found", "not_permitted", "failed", "unknown"]);
export type DropSlotOutcome = z.infer<typeof DropSlotOutcome>;

export const DropSlotResponse = z.object({
  slot: z.string(),
  outcome: DropSlotOutcome,
  message: z.string(),
  /** the WAL the slot was holding when it was dropped (removed at the next checkpoint) */
  retainedBytes: Bytes,
  sqlstate: z.string().optional(),
  /** the privilege that would have allowed it, when not permitted */
  grant: z.string().optional(),
});
export type DropSlotResponse = z.infer<typeof DropSlotResponse>;
