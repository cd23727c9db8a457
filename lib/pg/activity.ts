import "server-only";
import type { Queryable } from "./types";
import { CONSOLE_APPLICATION_NAME } from "./pools";
import { redactQueries } from "./query-text";
import type { Session, UnkillableReason } from "@/lib/schemas/activity";

// One snapshot of pg_stat_activity per poll interval, shared by every viewer (coalesced by the caller).
// pg_blocking_pids only for sessions waiting on a lock: it takes the lock manager's partition locks,
// and calling it for every row is what made pgAdmin's dashboard hurt busy servers (pgAdmin #7150).
const ACTIVITY_SNAPSHOT = /* sql */ `
  SELECT a.pid,
         floor(extract(epoch FROM a.backend_start) * 1000000)::int8 AS backend_start_us,
         a.datname, a.usename, coalesce(a.application_name, '') AS application_name,
         host(a.client_addr) AS client_addr, a.backend_type,
         a.state, a.wait_event_type, a.wait_event,
         (extract(epoch FROM a.xact_start) * 1000)::float8 AS xact_start,
         (extract(epoch FROM a.query_start) * 1000)::float8 AS query_start,
         (extract(epoch FROM a.state_change) * 1000)::float8 AS state_change,
         CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) END AS blocked_by,
         left(a.query, $1) AS query,
         length(a.query) > $1 AS query_truncated,
         coalesce(r.rolsuper, false) AS is_superuser,
         CASE WHEN a.usesysid IS NULL THEN false
              ELSE pg_has_role(current_user, a.usesysid, 'MEMBER') END AS member_of_role,
         a.pid = pg_backend_pid() AS is_self
    FROM pg_stat_activity a
    LEFT JOIN pg_roles r ON r.oid = a.usesysid`;

// What the console's own role may do decides which sessions it can signal; read with the snapshot.
const CONSOLE_ROLE = /* sql */ `
  SELECT current_user AS console_user,
         current_setting('max_connections')::int AS max_connections,
         current_setting('superuser_reserved_connections')::int
           + coalesce(nullif(current_setting('reserved_connections', true), '')::int, 0) AS reserved_connections,
         (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
         pg_has_role(current_user, 'pg_signal_backend', 'MEMBER') AS signal_backend,
         pg_has_role(current_user, 'pg_read_all_stats', 'MEMBER') AS read_all_stats,
         (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS server_now`;

export const QUERY_TEXT_LIMIT = 4096;
const HIDDEN_QUERY = "<insufficient privilege>";

export interface ConsoleRole {
  consoleUser: string;
  maxConnections: number;
  reservedConnections: number;
  superuser: boolean;
  signalBackend: boolean;
  readAllStats: boolean;
}

export interface ActivitySnapshot {
  serverNow: number;
  role: ConsoleRole;
  sessions: Session[];
}

interface SnapshotRow {
  pid: number;
  backend_start_us: number | null;
  datname: string | null;
  usename: string | null;
  application_name: string;
  client_addr: string | null;
  backend_type: string | null;
  state: string | null;
  wait_event_type: string | null;
  wait_event: string | null;
  xact_start: number | null;
  query_start: number | null;
  state_change: number | null;
  blocked_by: number[] | null;
  query: string | null;
  query_truncated: boolean | null;
  is_superuser: boolean;
  member_of_role: boolean;
  is_self: boolean;
}

/** Why the console must not (or cannot) signal this session; null when it can. */
export function unkillableReason(
  row: Pick<SnapshotRow, "is_self" | "application_name" | "usename" | "backend_type" | "is_superuser" | "member_of_role" | "backend_start_us">,
  role: ConsoleRole,
): UnkillableReason | null {
  if (row.is_self || (row.application_name.startsWith(CONSOLE_APPLICATION_NAME) && row.usename === role.consoleUser)) {
    return "console_session";
  }
  // Without pg_read_all_stats PostgreSQL hides backend_start (and backend_type) of others' sessions,
  // so the pid + backend_start guard cannot be applied: refuse rather than risk a reused pid.
  if (row.backend_start_us === null) return "hidden_session";
  if (row.backend_type !== "client backend") return "background_process";
  if (role.superuser) return null;
  if (row.is_superuser) return "superuser_session";
  if (!role.signalBackend && !row.member_of_role) return "not_permitted";
  return null;
}

export async function consoleRole(db: Queryable): Promise<ConsoleRole & { serverNow: number }> {
  const { rows } = await db.query(CONSOLE_ROLE);
  const r = rows[0];
  return {
    consoleUser: r.console_user,
    maxConnections: r.max_connections,
    reservedConnections: r.reserved_connections,
    superuser: r.superuser === true,
    signalBackend: r.signal_backend === true,
    readAllStats: r.read_all_stats === true,
    serverNow: r.server_now,
  };
}

export async function activitySnapshot(db: Queryable): Promise<ActivitySnapshot> {
  const { serverNow, ...role } = await consoleRole(db);
  const { rows } = await db.query<SnapshotRow>(ACTIVITY_SNAPSHOT, [QUERY_TEXT_LIMIT]);
  const sessions = rows.map((r): Session => ({
    pid: r.pid,
    backendStartUs: r.backend_start_us,
    database: r.datname,
    user: r.usename,
    application: r.application_name,
    clientAddr: r.client_addr,
    // Hidden rows (no pg_read_all_stats) have no backend_type; they belong to a role, so a client.
    backendType: r.backend_type ?? "client backend",
    state: r.state,
    waitEventType: r.wait_event_type,
    waitEvent: r.wait_event,
    xactStart: r.xact_start,
    queryStart: r.query_start,
    stateChange: r.state_change,
    blockedBy: r.blocked_by ?? [],
    query: r.query === HIDDEN_QUERY ? null : r.query,
    queryTruncated: r.query_truncated === true,
    visible: r.query !== HIDDEN_QUERY,
    unkillable: unkillableReason(r, role),
  }));
  // Secrets out once per shared snapshot, before any viewer (of any role) gets a row.
  return { serverNow, role, sessions: await redactQueries(sessions) };
}
