import "server-only";
import pg from "pg";
import { formatBytes, formatDuration } from "@/lib/format";
import type { Finding, Limit } from "@/lib/schemas/findings";
import type { Archiver, ArchivingResponse, BaseBackup, WalRate } from "@/lib/schemas/replication";
import { cachedServerFacts } from "../server-facts";
import { coalescedRead } from "../run";
import type { Queryable } from "../types";
import { CURRENT_LSN } from "./sql";
import { recordWalSample, segmentsWaiting, type WalSample } from "./wal-math";
import { processWide } from "@/lib/process-wide";

// WAL archiving (pg_stat_archiver), WAL generated per hour and base backups in progress.
// "A backup you have never restored is a hope": a silently failing archive_command is the
// classic way to find out there is none, days later, with pg_wal filling the disk.

const ms = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`;

// archive_library is 15+: current_setting(…, true) gives NULL before that.
const ARCHIVER = /* sql */ `
  SELECT a.archived_count, a.last_archived_wal, ${ms("a.last_archived_time")} AS last_archived_ms,
         a.failed_count, a.last_failed_wal, ${ms("a.last_failed_time")} AS last_failed_ms, ${ms("a.stats_reset")} AS stats_reset_ms,
         current_setting('archive_mode') AS archive_mode,
         current_setting('archive_command') AS archive_command,
         current_setting('archive_library', true) AS archive_library,
         pg_is_in_recovery() AS in_recovery,
         ${CURRENT_LSN}::text AS current_lsn,
         CASE WHEN NOT pg_is_in_recovery() THEN pg_walfile_name(pg_current_wal_lsn()) END AS current_wal_file,
         (SELECT setting::bigint FROM pg_settings WHERE name = 'wal_segment_size') AS wal_segment_bytes
    FROM pg_stat_archiver a`;

// WAL written since the statistics were reset (pg_stat_wal, 14+): a rate at the very first read.
const WAL_SINCE_RESET = /* sql */ `SELECT wal_bytes::float8 AS wal_bytes, ${ms("stats_reset")} AS stats_reset_ms FROM pg_stat_wal`;

const READY_ALLOWED = /* sql */ `SELECT has_function_privilege('pg_ls_archive_statusdir()', 'EXECUTE') AS allowed`;
const READY_FILES = /* sql */ `SELECT count(*)::int AS n FROM pg_ls_archive_statusdir() WHERE name LIKE '%.ready'`;

// Rows of other roles' backups show NULL details without pg_read_all_stats.
const BASE_BACKUPS = /* sql */ `
  SELECT p.pid, a.application_name, a.usename AS user, host(a.client_addr) AS client_addr, ${ms("a.backend_start")} AS backend_start_ms,
         p.phase, p.backup_total::float8 AS backup_total, p.backup_streamed::float8 AS backup_streamed,
         p.tablespaces_total, p.tablespaces_streamed
    FROM pg_stat_progress_basebackup p
    LEFT JOIN pg_stat_activity a ON a.pid = p.pid
   ORDER BY p.pid`;

type Row = Record<string, unknown>;
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined || v === "" ? null : String(v));

interface ArchivingSnapshot {
  readAt: number;
  row: Row;
  walSinceReset: Row | null;
  readyFiles: number | null;
  backups: BaseBackup[];
}

function toBackup(r: Row): BaseBackup {
  const total = num(r.backup_total);
  const streamed = num(r.backup_streamed) ?? 0;
  return {
    pid: Number(r.pid),
    applicationName: str(r.application_name),
    user: str(r.user),
    clientAddr: str(r.client_addr),
    backendStart: num(r.backend_start_ms),
    phase: str(r.phase) ?? "hidden",
    backupTotalBytes: total,
    backupStreamedBytes: streamed,
    progress: total ? Math.min(1, streamed / total) : null,
    tablespacesTotal: num(r.tablespaces_total) ?? 0,
    tablespacesStreamed: num(r.tablespaces_streamed) ?? 0,
  };
}

export async function archivingSnapshot(db: Queryable, versionNum: number): Promise<ArchivingSnapshot> {
  const row = (await db.query(ARCHIVER)).rows[0] as Row;
  // PostgreSQL 13 has no pg_stat_wal: the rate then needs two reads of the current LSN.
  const walSinceReset = versionNum >= 140000 ? (((await db.query(WAL_SINCE_RESET)).rows[0] as Row | undefined) ?? null) : null;
  const allowed = (await db.query(READY_ALLOWED)).rows[0]?.allowed === true;
  const readyFiles = allowed ? Number((await db.query(READY_FILES)).rows[0].n) : null;
  const backups = (await db.query(BASE_BACKUPS)).rows.map(toBackup);
  return { readAt: Date.now(), row, walSinceReset, readyFiles, backups };
}

export function toArchiver(r: Row, readyFiles: number | null): Archiver {
  const lastArchived = num(r.last_archived_ms);
  const lastFailed = num(r.last_failed_ms);
  const failing = r.archive_mode !== "off" && Number(r.failed_count) > 0 && lastFailed !== null && (lastArchived === null || lastFailed > lastArchived);
  return {
    archiveMode: String(r.archive_mode),
    archiveCommand: str(r.archive_command),
    archiveLibrary: str(r.archive_library),
    archivedCount: Number(r.archived_count),
    lastArchivedWal: str(r.last_archived_wal),
    lastArchivedTime: lastArchived,
    failedCount: Number(r.failed_count),
    lastFailedWal: str(r.last_failed_wal),
    lastFailedTime: lastFailed,
    statsReset: num(r.stats_reset_ms),
    failing,
    // Nothing succeeded after the last success (or ever, since the statistics were reset).
    failingSince: failing ? (lastArchived ?? num(r.stats_reset_ms)) : null,
    segmentsWaiting: r.archive_mode === "off" ? null : segmentsWaiting(str(r.current_wal_file), str(r.last_archived_wal), Number(r.wal_segment_bytes)),
    readyFiles,
  };
}

/** Pure: the findings of one archiver reading. */
export function archivingFindings(a: Archiver, role: "primary" | "standby", segmentBytes: number, now: number): Finding[] {
  const out: Finding[] = [];
  const waiting = a.segmentsWaiting ?? a.readyFiles;
  const backlog = waiting === null ? "unknown" : `${waiting} segment(s) waiting (${formatBytes(waiting * segmentBytes)}) in pg_wal`;
  const configured = a.archiveCommand !== null || a.archiveLibrary !== null;
  if (a.archiveMode !== "off" && !configured) {
    out.push({
      check: "archiver_unconfigured",
      id: "archiver_unconfigured",
      severity: "critical",
      title: "archive_mode is on but neither archive_command nor archive_library is set: WAL is kept, never archived",
      evidence: [`archive_mode = ${a.archiveMode}`, backlog],
      fix: "Set archive_command (or archive_library) to your archiving tool, then SELECT pg_reload_conf();",
    });
  } else if (a.failing) {
    const since = a.failingSince;
    out.push({
      check: "archiver_failing",
      id: "archiver_failing",
      severity: "critical",
      title: `WAL archiving is failing${since !== null ? ` for ${formatDuration(now - since)}` : ""}`,
      evidence: [
        `last failure ${a.lastFailedTime !== null ? new Date(a.lastFailedTime).toISOString() : "—"} on ${a.lastFailedWal ?? "—"}`,
        `${a.failedCount} failure(s), ${a.archivedCount} success(es) since ${a.statsReset !== null ? new Date(a.statsReset).toISOString() : "the statistics were reset"}`,
        a.lastArchivedTime !== null ? `last success ${new Date(a.lastArchivedTime).toISOString()} (${a.lastArchivedWal})` : "nothing archived successfully since the statistics were reset",
        backlog,
        ...(a.readyFiles !== null ? [`${a.readyFiles} .ready file(s) in pg_wal/archive_status`] : []),
      ],
      fix:
        `Run the archive command by hand as the server's OS user on ${a.lastFailedWal ?? "the failing file"} and read the server log for its error.\n` +
        "Until it succeeds, WAL piles up in pg_wal (the disk fills) and point-in-time recovery has a gap: after the fix, take a new base backup and test a restore.",
    });
  } else if (role === "primary" && waiting !== null && waiting > 10) {
    out.push({
      check: "archiver_behind",
      id: "archiver_behind",
      severity: "warning",
      title: `The archiver is behind: ${waiting} segments waiting`,
      evidence: [backlog, `last archived ${a.lastArchivedWal ?? "—"}`],
      fix: "The archive command is slower than WAL is written: check its target's throughput, or archive in parallel (pgBackRest, WAL-G).",
    });
  }
  if (a.archiveMode === "off" && role === "primary") {
    out.push({
      check: "archiving_off",
      id: "archiving_off",
      severity: "info",
      title: "WAL archiving is off: no point-in-time recovery from this server",
      evidence: ["archive_mode = off"],
      fix: "If backups rely on archived WAL: archive_mode = on and archive_command (restart needed for archive_mode).",
    });
  }
  return out;
}

const walSamples = processWide("archiving.wal-samples", () => new Map<string, WalSample[]>()); // one per process (lib/process-wide.ts)

function walRateOf(server: string, snap: ArchivingSnapshot): WalRate {
  const lsn = str(snap.row.current_lsn);
  if (lsn) {
    const list = walSamples.get(server) ?? [];
    walSamples.set(server, list);
    const rate = recordWalSample(list, { at: snap.readAt, lsn });
    if (rate) return { bytesPerHour: rate.bytesPerHour, basis: "two_reads", windowSeconds: Math.round(rate.windowMs / 1000) };
  }
  const w = snap.walSinceReset;
  const reset = num(w?.stats_reset_ms);
  const window = reset === null ? 0 : snap.readAt - reset;
  // A standby writes no WAL of its own; pg_stat_wal there says nothing about the primary's rate.
  if (w && reset !== null && window >= 60_000 && !snap.row.in_recovery) {
    return { bytesPerHour: (Number(w.wal_bytes) / window) * 3_600_000, basis: "since_stats_reset", windowSeconds: Math.round(window / 1000) };
  }
  return { bytesPerHour: null, basis: "none", windowSeconds: null };
}

export async function archivingStatus(server: string): Promise<ArchivingResponse> {
  const facts = await cachedServerFacts(server);
  const snap = await coalescedRead({ server }, "archiving", (db) => archivingSnapshot(db, facts.versionNum));
  const role = snap.row.in_recovery ? "standby" : "primary";
  const segmentBytes = Number(snap.row.wal_segment_bytes);
  const archiver = toArchiver(snap.row, snap.readyFiles);
  const limits: Limit[] = [];
  const grant = `GRANT pg_monitor TO ${pg.escapeIdentifier(facts.role)};`;
  if (snap.readyFiles === null) limits.push({ what: "The count of .ready files in pg_wal/archive_status (pg_ls_archive_statusdir)", grant });
  if (snap.backups.some((b) => b.phase === "hidden")) limits.push({ what: "Progress of base backups run by other roles", grant });
  return {
    server,
    role,
    currentLsn: str(snap.row.current_lsn),
    currentWalFile: str(snap.row.current_wal_file),
    walSegmentBytes: segmentBytes,
    archiver,
    walRate: walRateOf(server, snap),
    baseBackups: snap.backups,
    limits,
    findings: archivingFindings(archiver, role, segmentBytes, snap.readAt),
    readAt: snap.readAt,
  };
}
