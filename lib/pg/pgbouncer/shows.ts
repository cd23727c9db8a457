// Pure mappers from SHOW rows to typed objects. PgBouncer adds (and occasionally renames) columns
// between versions — 1.18 is the floor here; 1.21 added prepared statements, 1.23/1.24 more
// counters — so each field is read by name, a missing one becomes null (or 0 for counters that
// only ever add up), and extra ones are ignored. Counters arrive as numbers or as strings
// (bigint/numeric): both are accepted.
import type { BouncerConnection, BouncerDatabase, DatabaseStats, Pool } from "@/lib/schemas/pgbouncer";

type Row = Record<string, unknown>;

export function n(v: unknown): number | null {
  if (v === null || v === undefined || v === "") return null;
  const x = typeof v === "number" ? v : Number(v);
  return Number.isFinite(x) ? x : null;
}
const z0 = (v: unknown) => n(v) ?? 0;
const s = (v: unknown): string | null => (v === null || v === undefined || v === "" ? null : String(v));
const flag = (v: unknown): boolean | null => (v === null || v === undefined ? null : Number(v) !== 0 && v !== "no" && v !== false);

/** The admin console's own "database". */
export const ADMIN_DATABASE = "pgbouncer";

/** seconds + microseconds columns (maxwait/maxwait_us, wait/wait_us) → milliseconds */
function secondsAndMicros(sec: unknown, us: unknown): number | null {
  const a = n(sec);
  if (a === null) return null;
  return a * 1000 + (n(us) ?? 0) / 1000;
}

export function toPool(r: Row): Pool {
  return {
    database: String(r.database),
    user: String(r.user),
    clActive: z0(r.cl_active),
    clWaiting: z0(r.cl_waiting),
    clActiveCancelReq: n(r.cl_active_cancel_req ?? r.cl_cancel_req),
    clWaitingCancelReq: n(r.cl_waiting_cancel_req),
    svActive: z0(r.sv_active),
    svActiveCancel: n(r.sv_active_cancel),
    svBeingCanceled: n(r.sv_being_canceled),
    svIdle: z0(r.sv_idle),
    svUsed: z0(r.sv_used),
    svTested: z0(r.sv_tested),
    svLogin: z0(r.sv_login),
    maxwaitMs: secondsAndMicros(r.maxwait, r.maxwait_us) ?? 0,
    poolMode: s(r.pool_mode),
  };
}

export function toStats(r: Row): DatabaseStats {
  return {
    database: String(r.database),
    totalXactCount: z0(r.total_xact_count),
    totalQueryCount: z0(r.total_query_count),
    totalReceivedBytes: z0(r.total_received),
    totalSentBytes: z0(r.total_sent),
    totalXactTimeUs: z0(r.total_xact_time),
    totalQueryTimeUs: z0(r.total_query_time),
    totalWaitTimeUs: z0(r.total_wait_time),
    xactPerSecond: z0(r.avg_xact_count),
    queryPerSecond: z0(r.avg_query_count),
    receivedBytesPerSecond: z0(r.avg_recv),
    sentBytesPerSecond: z0(r.avg_sent),
    avgXactTimeUs: z0(r.avg_xact_time),
    avgQueryTimeUs: z0(r.avg_query_time),
    avgWaitTimeUs: n(r.avg_wait_time),
  };
}

export function toDatabase(r: Row): BouncerDatabase {
  const name = String(r.name);
  return {
    name,
    host: s(r.host),
    port: n(r.port),
    database: s(r.database),
    forceUser: s(r.force_user),
    poolSize: n(r.pool_size),
    minPoolSize: n(r.min_pool_size),
    reservePool: n(r.reserve_pool ?? r.reserve_pool_size),
    poolMode: s(r.pool_mode),
    maxConnections: n(r.max_connections),
    currentConnections: n(r.current_connections),
    paused: flag(r.paused) ?? false,
    disabled: flag(r.disabled) ?? false,
    admin: name === ADMIN_DATABASE,
  };
}

export function toConnection(r: Row, consoleApplicationName: string): BouncerConnection {
  const applicationName = s(r.application_name);
  return {
    type: s(r.type),
    user: s(r.user),
    database: s(r.database),
    state: s(r.state),
    addr: s(r.addr),
    port: n(r.port),
    localAddr: s(r.local_addr),
    localPort: n(r.local_port),
    connectTime: s(r.connect_time),
    requestTime: s(r.request_time),
    waitMs: secondsAndMicros(r.wait, r.wait_us),
    closeNeeded: flag(r.close_needed),
    ptr: s(r.ptr),
    link: s(r.link),
    remotePid: n(r.remote_pid),
    tls: s(r.tls),
    applicationName,
    console: applicationName === consoleApplicationName && r.database === ADMIN_DATABASE,
  };
}

// Nothing in SHOW CONFIG is a password in 1.18..1.24, but a future key might be: never show one.
const SECRET_KEY = /pass|secret|token/i;

export function toSetting(r: Row) {
  const key = String(r.key);
  return {
    key,
    value: SECRET_KEY.test(key) && s(r.value) ? "[redacted]" : s(r.value),
    default: s(r.default),
    changeable: flag(r.changeable),
  };
}
