import "server-only";
import type { LockBlocker, SessionLock, SessionLocksResponse } from "@/lib/schemas/locks";
import { resolveDatabase } from "./databases";
import type { Target } from "./pools";
import { queryTextFor, redactQueries } from "./query-text";
import { coalescedRead, timed } from "./run";
import type { Queryable } from "./types";

// Lock questions live here: which locks a session holds and waits for (and who blocks it).

const MAX_LOCKS = 500;

// The session, if the pid is still the backend that started at backend_start (pids are reused).
const SESSION = /* sql */ `
  SELECT a.datname, a.datname = current_database() AS here, (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS server_now,
         CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) ELSE '{}' END AS blocked_by
    FROM pg_stat_activity a
   WHERE a.pid = $1 AND floor(extract(epoch FROM a.backend_start) * 1000000)::int8 = $2`;

// Relation names only resolve in the database the lock is in (pg_class is per database), so this
// runs in the session's own database; shared catalogs (database 0) resolve anywhere.
// pg_locks.waitstart exists from PostgreSQL 14, the oldest version the console supports.
const LOCKS = /* sql */ `
  SELECT l.locktype, l.mode, l.granted, l.relation::int8 AS relation_oid,
         n.nspname AS schema, c.relname AS relation, d.datname AS database,
         l.page, l.tuple, l.virtualxid, l.transactionid::text AS transactionid,
         l.classid::int8 AS classid, l.objid::int8 AS objid, l.objsubid,
         (extract(epoch FROM l.waitstart) * 1000)::float8 AS wait_start,
         count(*) OVER () AS total
    FROM pg_locks l
    LEFT JOIN pg_database d ON d.oid = l.database
    LEFT JOIN pg_class c ON c.oid = l.relation
          AND l.database IN (0, (SELECT oid FROM pg_database WHERE datname = current_database()))
    LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE l.pid = $1
   ORDER BY l.granted, l.locktype = 'relation' DESC, n.nspname, c.relname, l.mode
   LIMIT ${MAX_LOCKS}`;

const BLOCKERS = /* sql */ `
  SELECT pid, usename AS user, coalesce(application_name, '') AS application, state, left(query, 500) AS query
    FROM pg_stat_activity WHERE pid = ANY($1::int[]) ORDER BY pid`;

interface LockRow {
  locktype: string;
  mode: string;
  granted: boolean;
  relation_oid: number | null;
  schema: string | null;
  relation: string | null;
  database: string | null;
  page: number | null;
  tuple: number | null;
  virtualxid: string | null;
  transactionid: string | null;
  classid: number | null;
  objid: number | null;
  objsubid: number | null;
  wait_start: number | null;
  total: number;
}

const toLock = (r: LockRow): SessionLock => ({
  locktype: r.locktype,
  mode: r.mode,
  granted: r.granted,
  relationOid: r.relation_oid,
  schema: r.schema,
  relation: r.relation,
  database: r.database,
  page: r.page,
  tuple: r.tuple,
  virtualxid: r.virtualxid,
  transactionid: r.transactionid,
  classid: r.classid,
  objid: r.objid,
  objsubid: r.objsubid,
  waitStart: r.wait_start,
});

/** The locks of one backend (identified by pid and backend_start), read in `db`. */
export async function locksOfBackend(db: Queryable, pid: number, backendStartUs: number) {
  const found = (await db.query(SESSION, [pid, backendStartUs])).rows[0] as
    | { datname: string | null; here: boolean | null; server_now: number; blocked_by: number[] }
    | undefined;
  if (!found) return undefined;
  const rows = (await db.query<LockRow>(LOCKS, [pid])).rows;
  const blockers = found.blocked_by.length ? (await db.query<LockBlocker>(BLOCKERS, [found.blocked_by])).rows : [];
  return {
    database: found.datname,
    inItsDatabase: found.here !== false,
    serverNow: found.server_now,
    held: rows.filter((r) => r.granted).map(toLock),
    awaited: rows.filter((r) => !r.granted).map(toLock),
    blockedBy: blockers,
    truncated: (rows[0]?.total ?? 0) > rows.length,
  };
}

/**
 * What a session holds and waits for, read in its own database so relation names resolve.
 * A database the console may not connect to is read from the default one (OIDs without names).
 */
export async function sessionLocks(server: string, pid: number, backendStartUs: number, role: string): Promise<SessionLocksResponse> {
  const read = (target: Target) => coalescedRead(target, ["backend-locks", pid, backendStartUs], timed((db) => locksOfBackend(db, pid, backendStartUs)));
  let { value: result, readAt } = await read({ server });
  if (result?.database && !result.inItsDatabase) {
    // not connectable by the console: the default database's answer (OIDs without names) stands
    const target = await resolveDatabase(server, result.database).catch(() => undefined);
    if (target?.database) ({ value: result, readAt } = await read(target));
  }
  if (!result) return { readAt, serverNow: readAt, pid, found: false, held: [], awaited: [], blockedBy: [], truncated: false };
  // The blockers' statements leave the server like every query text: secrets redacted, then the role's mode.
  const blockedBy = await queryTextFor(await redactQueries(result.blockedBy), role);
  return { readAt, serverNow: result.serverNow, pid, found: true, held: result.held, awaited: result.awaited, blockedBy, truncated: result.truncated };
}
