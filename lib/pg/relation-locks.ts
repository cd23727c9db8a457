import "server-only";
import type { RelationLockInfo } from "@/lib/schemas/storage";
import { redactQueries } from "./query-text";
import type { Queryable } from "./types";

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
