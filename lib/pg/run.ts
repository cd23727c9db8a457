import "server-only";
import type pg from "pg";
import { env } from "@/lib/config/env";
import { findServer } from "@/lib/config/servers";
import { cacheKey, type Area } from "./cache-keys";
import { cached } from "./cache";
import { ConsoleBusyError, dbFailure, DbError, isConnectionError, type ErrorContext } from "./errors";
import { markReachable, markUnreachable } from "./health";
import { acquire, lastConnectionFacts, type Lease, type Target } from "./pools";
import type { Queryable } from "./types";

export interface RunOptions {
  /** statement_timeout for this transaction (default PGWARDEN_STATEMENT_TIMEOUT_MS) */
  statementTimeoutMs?: number;
  /** end with ROLLBACK instead of COMMIT (EXPLAIN ANALYZE: nothing it did is kept) */
  rollback?: boolean;
}

// Timeouts per transaction with SET LOCAL: works through PgBouncer in transaction mode, where
// startup parameters are refused and session SETs leak to other clients. Values are validated ints.
function sessionSettings(readOnly: boolean, statementTimeoutMs: number): string {
  const e = env();
  return [
    readOnly ? "BEGIN READ ONLY" : "BEGIN",
    `SET LOCAL statement_timeout = ${Math.trunc(statementTimeoutMs)}`,
    `SET LOCAL lock_timeout = ${e.PGWARDEN_LOCK_TIMEOUT_MS}`,
    `SET LOCAL idle_in_transaction_session_timeout = ${e.PGWARDEN_IDLE_TX_TIMEOUT_MS}`,
  ].join("; ");
}

/**
 * The client with a client-side read timeout of statement_timeout + 1 s on every query: a server
 * that stops answering altogether (frozen, black-holed) is given up then, not after TCP's minutes.
 */
function withReadTimeout(client: pg.Client, queryTimeoutMs: number): Queryable {
  const query = (config: string | pg.QueryConfig, values?: unknown[]) =>
    typeof config === "string"
      ? client.query({ text: config, values, query_timeout: queryTimeoutMs } as pg.QueryConfig)
      : client.query({ ...config, query_timeout: queryTimeoutMs } as pg.QueryConfig);
  return { query } as unknown as Queryable;
}

/** What the 53300 message needs: the role and version from the last connection, else the URL. */
function errorContext(server: string): ErrorContext {
  const f = lastConnectionFacts(server);
  if (f) return { role: f.role, versionNum: f.versionNum, superuser: f.superuser };
  const url = findServer(server)?.url;
  try {
    return url ? { role: decodeURIComponent(new URL(url).username) || undefined } : {};
  } catch {
    return {};
  }
}

function mapped(err: unknown, server: string) {
  const e = dbFailure(err, errorContext(server));
  if (e instanceof DbError && e.code === "query_failed") {
    // Not echoed to the browser; the operator's log keeps what PostgreSQL said.
    console.error(`pgwarden: query failed on server ${server} (SQLSTATE ${e.sqlstate ?? "none"}):`, (err as Error)?.message);
  }
  return e;
}

async function inTransaction<T>(target: Target, readOnly: boolean, fn: (db: Queryable) => Promise<T>, opts: RunOptions = {}): Promise<T> {
  const statementTimeoutMs = opts.statementTimeoutMs ?? env().PGWARDEN_STATEMENT_TIMEOUT_MS;
  let lease: Lease;
  try {
    lease = await acquire(target);
  } catch (err) {
    // A busy console (every connection in use) says nothing about the server.
    if (!(err instanceof ConsoleBusyError) && isConnectionError(err)) markUnreachable(target.server);
    throw mapped(err, target.server);
  }
  const db = withReadTimeout(lease.client, statementTimeoutMs + 1_000);
  let broken = false;
  try {
    await db.query(sessionSettings(readOnly, statementTimeoutMs));
    const result = await fn(db);
    await db.query(opts.rollback ? "ROLLBACK" : "COMMIT");
    markReachable(target.server);
    return result;
  } catch (err) {
    broken = isConnectionError(err);
    if (broken) markUnreachable(target.server);
    else await db.query("ROLLBACK").catch(() => (broken = true));
    throw mapped(err, target.server);
  } finally {
    // A connection that failed mid-result is destroyed, not returned to the pool.
    lease.release(broken);
  }
}

/** A read in a READ ONLY transaction with the console's timeouts. Safe on hot standbys. */
export function read<T>(target: Target, fn: (db: Queryable) => Promise<T>, opts?: RunOptions): Promise<T> {
  return inTransaction(target, true, fn, opts);
}

/**
 * A read for a background snapshot shared by every viewer (sizes, bloat estimates): its own,
 * larger statement_timeout (PGWARDEN_BACKGROUND_STATEMENT_TIMEOUT_MS).
 */
export function backgroundRead<T>(target: Target, fn: (db: Queryable) => Promise<T>): Promise<T> {
  return inTransaction(target, true, fn, { statementTimeoutMs: env().PGWARDEN_BACKGROUND_STATEMENT_TIMEOUT_MS });
}

/**
 * Like read(), shared by every caller asking for the same area (and parts: filters, snapshot ids)
 * of the same target within the area's lifetime (lib/pg/cache-keys.ts).
 */
export function coalescedRead<T>(target: Target, what: Area | [Area, ...(string | number)[]], fn: (db: Queryable) => Promise<T>): Promise<T> {
  const [area, ...parts] = typeof what === "string" ? [what] : what;
  return cached(cacheKey(target, area, ...parts), () => read(target, fn));
}

/**
 * A read function whose result carries the time it was read: a cached value's `readAt` is then the
 * time of the read, not the time of the response that served it.
 */
export function timed<T>(fn: (db: Queryable) => Promise<T>): (db: Queryable) => Promise<{ value: T; readAt: number }> {
  return async (db) => {
    const value = await fn(db);
    return { value, readAt: Date.now() };
  };
}

/** A short read-write transaction for actions (signals). Never retried. */
export function act<T>(target: Target, fn: (db: Queryable) => Promise<T>): Promise<T> {
  return inTransaction(target, false, fn);
}
