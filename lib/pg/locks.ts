import "server-only";
import { qualifiedName } from "@/lib/names";
import type { RelationUser } from "@/lib/schemas/jobs";
import type { LockBlocker, SessionLock, SessionLocksResponse } from "@/lib/schemas/locks";
import type { RelationLockInfo } from "@/lib/schemas/storage";
import { resolveDatabase } from "./databases";
import { CONSOLE_APPLICATION_NAME, type Target } from "./pools";
import { queryTextFor, redactQueries } from "./query-text";
import { coalescedRead, timed } from "./run";
import { cachedServerFacts } from "./server-facts";
import type { Queryable } from "./types";

// Lock questions live here, and only here: which locks a session holds and waits for (and who
// blocks it); who holds or queues ACCESS EXCLUSIVE on relations (what a size estimate would wait
// for); and which sessions lock one relation (what a VACUUM FULL would wait for, then block).

const MAX_LOCKS = 500;

// The session, if the pid is still the backend that started at backend_start (pids are reused).
const SESSION = /* sql */ `
  SELECT a.datname, a.datname = current_database() AS here, (extract(epoch FROM clock_timestamp()) * 1000)::float8 AS server_now,
         CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) ELSE '{}' END AS blocked_by
    FROM pg_stat_activity a
   WHERE a.pid = $1 AND floor(extract(epoch FROM a.backend_start) * 1000000)::int8 = $2`;

// Relation names only resolve in the database the lock is in (pg_class is per database), so this
// runs in the session's own database; shared catalogs (database 0) resolve anywhere.
// pg_locks.waitstart exists from PostgreSQL 14; on 13 (past its end of life, still met in the
// field) the wait's start is unknown rather than the whole answer failing.
const locksSql = (versionNum: number) => /* sql */ `
  SELECT l.locktype, l.mode, l.granted, l.relation::int8 AS relation_oid,
         n.nspname AS schema, c.relname AS relation, d.datname AS database,
         l.page, l.tuple, l.virtualxid, l.transactionid::text AS transactionid,
         l.classid::int8 AS classid, l.objid::int8 AS objid, l.objsubid,
         ${versionNum >= 140000 ? "(extract(epoch FROM l.waitstart) * 1000)::float8" : "NULL::float8"} AS wait_start,
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

/** The locks of one backend (identified by pid and backend_start), read in `db` (a server of `versionNum`). */
export async function locksOfBackend(db: Queryable, pid: number, backendStartUs: number, versionNum: number) {
  const found = (await db.query(SESSION, [pid, backendStartUs])).rows[0] as
    | { datname: string | null; here: boolean | null; server_now: number; blocked_by: number[] }
    | undefined;
  if (!found) return undefined;
  const rows = (await db.query<LockRow>(locksSql(versionNum), [pid])).rows;
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
  const { versionNum } = await cachedServerFacts(server);
  const read = (target: Target) => coalescedRead(target, ["backend-locks", pid, backendStartUs], timed((db) => locksOfBackend(db, pid, backendStartUs, versionNum)));
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

// ---- who keeps a read of relation X waiting (size estimates) ----

// Who keeps a plain read of a relation waiting. Sizing a relation (pg_relation_size) and
// deparsing an index (pg_get_indexdef, which opens its table) take ACCESS SHARE, and the only mode
// that conflicts with it is ACCESS EXCLUSIVE (LOCK TABLE, most ALTER TABLE, VACUUM FULL, DROP,
// REINDEX without CONCURRENTLY, TRUNCATE). A QUEUED one counts as much as a granted one: a new
// ACCESS SHARE request waits behind it in the lock queue.

const EXCLUSIVE_LOCKS = /* sql */ `
  SELECT DISTINCT ON (l.relation) l.relation::int8 AS oid, l.pid, l.granted, left(a.query, $1) AS query
    FROM pg_locks l
    LEFT JOIN pg_stat_activity a ON a.pid = l.pid
   WHERE l.locktype = 'relation' AND l.mode = 'AccessExclusiveLock'
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND l.pid IS DISTINCT FROM pg_backend_pid()
   ORDER BY l.relation, l.granted DESC, l.pid`;

export const LOCK_QUERY_TEXT_LIMIT = 200;

export interface RelationLock {
  /** null for a prepared transaction (it has no backend) */
  pid: number | null;
  /** false: the ACCESS EXCLUSIVE is still queued (it waits for others; readers now queue behind it) */
  granted: boolean;
  /** the locking session's current (or last) statement, shortened; null when hidden from the role */
  query: string | null;
}

/** Relations of the current database that a read would wait for, by OID. */
export async function exclusiveLocks(db: Queryable): Promise<Map<number, RelationLock>> {
  // The locking statement is shown to every role next to the estimate: secrets redacted first.
  const rows = await redactQueries((await db.query(EXCLUSIVE_LOCKS, [LOCK_QUERY_TEXT_LIMIT])).rows as { oid: string; pid: number | null; granted: boolean; query: string | null }[]);
  return new Map(rows.map((r) => [Number(r.oid), { pid: r.pid, granted: r.granted, query: r.query }]));
}

/** "locked by pid N (ALTER TABLE …)", as the pages show it next to an estimated size. */
export function describeLock(l: RelationLock): string {
  const who = l.pid === null ? "a prepared transaction" : `pid ${l.pid}`;
  const what = l.query ? ` (${l.query.length >= LOCK_QUERY_TEXT_LIMIT ? `${l.query}…` : l.query})` : "";
  return `estimate — ${l.granted ? "locked" : "lock queued"} by ${who}${what}`;
}

/** The lock as responses carry it (lib/schemas/storage.ts RelationLockInfo). */
export function lockInfo(l: RelationLock | null | undefined): RelationLockInfo | null {
  return l ? { pid: l.pid, granted: l.granted, query: l.query, note: describeLock(l) } : null;
}

// ---- who uses relation X now (before a VACUUM FULL) ----
// Locks on the table, its indexes and its TOAST table (a VACUUM FULL rewrites all of them), in
// this database, with the session holding or awaiting each. An idle-in-transaction session that
// read the table once still holds ACCESS SHARE until it ends: exactly the one to know about.
const RELATION_USERS = /* sql */ `
  WITH rel AS (
    SELECT $1::oid AS oid
    UNION SELECT indexrelid FROM pg_index WHERE indrelid = $1
    UNION SELECT reltoastrelid FROM pg_class WHERE oid = $1 AND reltoastrelid <> 0
  )
  SELECT a.pid, a.usename AS user, a.application_name AS application, a.client_addr::text AS client,
         a.state, (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::float8 AS xact_age_ms,
         left(a.query, 2000) AS query,
         array_agg(DISTINCT l.mode ORDER BY l.mode) AS modes, bool_and(l.granted) AS granted,
         (a.application_name = $2) AS console
    FROM pg_locks l
    JOIN pg_stat_activity a ON a.pid = l.pid
   WHERE l.locktype = 'relation' AND l.relation IN (SELECT oid FROM rel)
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND l.pid <> pg_backend_pid()
   GROUP BY a.pid, a.usename, a.application_name, a.client_addr, a.state, a.xact_start, a.query
   ORDER BY a.xact_start NULLS LAST, a.pid`;

/** The relation's name (null when gone) and the sessions locking it or waiting to. */
export async function relationUsers(db: Queryable, relid: number): Promise<{ relation: string | null; users: RelationUser[] }> {
  const name = await db.query(
    /* sql */ `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1`,
    [relid],
  );
  const { rows } = await db.query(RELATION_USERS, [relid, CONSOLE_APPLICATION_NAME]);
  const users = rows.map((r) => ({
    pid: r.pid,
    user: r.user,
    application: r.application,
    client: r.client,
    state: r.state,
    xactAgeMs: r.xact_age_ms,
    query: r.query,
    modes: r.modes,
    granted: r.granted,
    console: r.console === true,
  }));
  const rel = name.rows[0] as { schema: string; name: string } | undefined;
  return { relation: rel ? qualifiedName(rel.schema, rel.name) : null, users: await redactQueries(users) };
}
