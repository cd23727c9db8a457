// Replication SQL, version-aware for PostgreSQL 14..18 (columns a version lacks read as NULL).
// Times come out as epoch milliseconds and intervals as milliseconds, so nothing is converted
// from a Date in JavaScript; LSNs stay in their text form.

const ms = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`;

/**
 * The position replication figures are measured against: the WAL write position on a primary
 * (pg_current_wal_lsn() raises "recovery is in progress" on a standby, and CASE evaluates it only
 * when not in recovery), the last replayed position on a standby.
 */
export const CURRENT_LSN = `(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)`;

export const REPLICATION_BASICS = /* sql */ `
  SELECT ${CURRENT_LSN}::text AS current_lsn,
         (SELECT system_identifier::text FROM pg_control_system()) AS system_identifier,
         (SELECT timeline_id FROM pg_control_checkpoint()) AS checkpoint_timeline,
         (SELECT setting::int FROM pg_settings WHERE name = 'max_slot_wal_keep_size') AS max_slot_wal_keep_size_mb,
         pg_is_in_recovery() AS in_recovery,
         ${ms("pg_postmaster_start_time()")} AS postmaster_start_ms`;

// A walsender without pg_read_all_stats shows only its pid: state NULL is how to tell.
export const STANDBYS = /* sql */ `
  WITH cur AS (SELECT ${CURRENT_LSN} AS lsn)
  SELECT r.pid, r.usename AS user, r.application_name, host(r.client_addr) AS client_addr,
         r.client_hostname, r.client_port, ${ms("r.backend_start")} AS backend_start_ms,
         r.state, r.sync_state, r.sync_priority,
         r.sent_lsn::text, r.write_lsn::text, r.flush_lsn::text, r.replay_lsn::text,
         pg_wal_lsn_diff(cur.lsn, r.sent_lsn)::float8 AS sent_lag_bytes,
         pg_wal_lsn_diff(cur.lsn, r.write_lsn)::float8 AS write_lag_bytes,
         pg_wal_lsn_diff(cur.lsn, r.flush_lsn)::float8 AS flush_lag_bytes,
         pg_wal_lsn_diff(cur.lsn, r.replay_lsn)::float8 AS replay_lag_bytes,
         ${ms("r.write_lag")} AS write_lag_ms, ${ms("r.flush_lag")} AS flush_lag_ms, ${ms("r.replay_lag")} AS replay_lag_ms,
         ${ms("r.reply_time")} AS reply_time_ms,
         s.slot_name
    FROM pg_stat_replication r
    CROSS JOIN cur
    LEFT JOIN pg_replication_slots s ON s.active_pid = r.pid
   ORDER BY r.application_name, r.pid`;

/** pg_replication_slots with the columns each version has. */
export function slotsSql(versionNum: number): string {
  const v17 = versionNum >= 170000;
  const col = (ok: boolean, expr: string, as: string, type: string) => (ok ? `${expr} AS ${as}` : `NULL::${type} AS ${as}`);
  return /* sql */ `
  WITH cur AS (SELECT ${CURRENT_LSN} AS lsn)
  SELECT s.slot_name, s.plugin, s.slot_type, s.database, s.temporary, s.active, s.active_pid,
         s.xmin::text AS xmin, s.catalog_xmin::text AS catalog_xmin,
         CASE WHEN s.xmin IS NOT NULL THEN age(s.xmin) END AS xmin_age,
         CASE WHEN s.catalog_xmin IS NOT NULL THEN age(s.catalog_xmin) END AS catalog_xmin_age,
         s.restart_lsn::text AS restart_lsn, s.confirmed_flush_lsn::text AS confirmed_flush_lsn,
         pg_wal_lsn_diff(cur.lsn, s.restart_lsn)::float8 AS retained_bytes,
         s.wal_status, s.safe_wal_size::float8 AS safe_wal_size,
         ${col(v17, ms("s.inactive_since"), "inactive_since_ms", "float8")},
         ${col(v17, "s.invalidation_reason", "invalidation_reason", "text")},
         ${col(versionNum >= 160000, "s.conflicting", "conflicting", "bool")},
         ${col(versionNum >= 140000, "s.two_phase", "two_phase", "bool")},
         ${col(v17, "s.failover", "failover", "bool")},
         ${col(v17, "s.synced", "synced", "bool")}
    FROM pg_replication_slots s CROSS JOIN cur
   ORDER BY s.slot_name`;
}

export const WAL_RECEIVER = /* sql */ `
  SELECT pid, status, receive_start_lsn::text, receive_start_tli, written_lsn::text, flushed_lsn::text,
         received_tli, ${ms("last_msg_send_time")} AS last_msg_send_ms, ${ms("last_msg_receipt_time")} AS last_msg_receipt_ms,
         latest_end_lsn::text, ${ms("latest_end_time")} AS latest_end_ms, slot_name, sender_host, sender_port
    FROM pg_stat_wal_receiver`;

/** On a standby. pg_get_wal_replay_pause_state() (14+) tells "pause requested" from "paused". */
export function recoverySql(versionNum: number): string {
  const pause = versionNum >= 140000 ? "pg_get_wal_replay_pause_state()" : "CASE WHEN pg_is_wal_replay_paused() THEN 'paused' ELSE 'not paused' END";
  return /* sql */ `
  SELECT pg_last_wal_receive_lsn()::text AS receive_lsn, pg_last_wal_replay_lsn()::text AS replay_lsn,
         pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 AS replay_lag_bytes,
         ${ms("pg_last_xact_replay_timestamp()")} AS last_replay_ms,
         -- clock_timestamp(), not now(): a commit replayed after this read's transaction began
         -- would otherwise give a negative lag; clamped for clock skew between the two hosts.
         ${ms("greatest(clock_timestamp() - pg_last_xact_replay_timestamp(), interval '0')")} AS replay_lag_ms,
         ${pause} AS pause_state`;
}

/** pg_ls_waldir() is granted to pg_monitor; asked first so a missing grant is not an error. */
export const WAL_DIR_ALLOWED = /* sql */ `SELECT has_function_privilege('pg_ls_waldir()', 'EXECUTE') AS allowed`;
export const WAL_DIR_SIZE = /* sql */ `SELECT coalesce(sum(size), 0)::float8 AS bytes FROM pg_ls_waldir()`;

/** What another registered server is, for linking primaries and standbys (same system identifier). */
export const SYSTEM_IDENTITY = /* sql */ `
  SELECT (SELECT system_identifier::text FROM pg_control_system()) AS system_identifier,
         pg_is_in_recovery() AS in_recovery,
         (SELECT slot_name FROM pg_stat_wal_receiver) AS receiver_slot,
         ${ms("pg_postmaster_start_time()")} AS postmaster_start_ms`;

/** Checked and dropped in one statement each; the slot name is a value, never spliced. */
export const SLOT_FOR_DROP = /* sql */ `
  SELECT current_user AS console_role, s.slot_name, s.slot_type, s.active, s.active_pid,
         pg_wal_lsn_diff(${CURRENT_LSN}, s.restart_lsn)::float8 AS retained_bytes
    FROM (SELECT 1) one LEFT JOIN pg_replication_slots s ON s.slot_name = $1`;
export const DROP_SLOT = /* sql */ `SELECT pg_drop_replication_slot($1)`;
