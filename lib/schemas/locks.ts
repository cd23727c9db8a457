import { z } from "./zod";
import { ServerParams } from "./common";

// The locks one session holds and waits for (the session detail of the Activity page).

export const SessionLocksParams = ServerParams.extend({ pid: z.coerce.number().int().min(1).max(2_147_483_647) });

/** backend_start in µs: the locks are only read when the pid is still that session (pids are reused). */
export const SessionLocksQuery = z.object({ backendStartUs: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER) });
export type SessionLocksQuery = z.infer<typeof SessionLocksQuery>;

export const SessionLock = z.object({
  locktype: z.string(),
  mode: z.string(),
  granted: z.boolean(),
  /** relation locks: the relation, resolved in the session's own database (null when not resolvable there) */
  relationOid: z.number().nullable(),
  schema: z.string().nullable(),
  relation: z.string().nullable(),
  /** the database the lock is in (null: a shared object or a transaction id) */
  database: z.string().nullable(),
  page: z.number().nullable(),
  tuple: z.number().nullable(),
  virtualxid: z.string().nullable(),
  transactionid: z.string().nullable(),
  classid: z.number().nullable(),
  objid: z.number().nullable(),
  objsubid: z.number().nullable(),
  /** epoch ms since when an ungranted lock has been waited for (PostgreSQL 14+; null otherwise) */
  waitStart: z.number().nullable(),
});
export type SessionLock = z.infer<typeof SessionLock>;

export const LockBlocker = z.object({
  pid: z.number(),
  user: z.string().nullable(),
  application: z.string(),
  state: z.string().nullable(),
  query: z.string().nullable(),
});
export type LockBlocker = z.infer<typeof LockBlocker>;

export const SessionLocksResponse = z.object({
  readAt: z.number(),
  serverNow: z.number(),
  pid: z.number(),
  /** false: the session has ended (or its pid now belongs to another session): nothing else is read */
  found: z.boolean(),
  held: z.array(SessionLock),
  awaited: z.array(SessionLock),
  /** pg_blocking_pids: who holds (or queues ahead for) what this session waits for */
  blockedBy: z.array(LockBlocker),
  /** more locks than are listed (a session can hold thousands, e.g. pg_dump) */
  truncated: z.boolean(),
});
export type SessionLocksResponse = z.infer<typeof SessionLocksResponse>;
