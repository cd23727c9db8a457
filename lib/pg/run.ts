import "server-only";
import type pg from "pg";
import { env } from "@/lib/config/env";
import { coalesce } from "./coalesce";
import { isConnectionError, toDbError } from "./errors";
import { markReachable, markUnreachable } from "./health";
import { poolFor, type Target } from "./pools";
import type { Queryable } from "./types";

// Timeouts per transaction with SET LOCAL: works through PgBouncer in transaction mode, where
// startup parameters are refused and session SETs leak to other clients. Values are validated ints.
function sessionSettings(readOnly: boolean): string {
  const e = env();
  return [
    readOnly ? "BEGIN READ ONLY" : "BEGIN",
    `SET LOCAL statement_timeout = ${e.PGWARDEN_STATEMENT_TIMEOUT_MS}`,
    `SET LOCAL lock_timeout = ${e.PGWARDEN_LOCK_TIMEOUT_MS}`,
    `SET LOCAL idle_in_transaction_session_timeout = ${e.PGWARDEN_IDLE_TX_TIMEOUT_MS}`,
  ].join("; ");
}

async function inTransaction<T>(target: Target, readOnly: boolean, fn: (db: Queryable) => Promise<T>): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await poolFor(target).connect();
  } catch (err) {
    if (isConnectionError(err)) markUnreachable(target.server);
    throw toDbError(err);
  }
  let broken = false;
  try {
    await client.query(sessionSettings(readOnly));
    const result = await fn(client);
    await client.query("COMMIT");
    markReachable(target.server);
    return result;
  } catch (err) {
    broken = isConnectionError(err);
    if (broken) markUnreachable(target.server);
    else await client.query("ROLLBACK").catch(() => (broken = true));
    throw toDbError(err);
  } finally {
    // A connection that failed mid-result is destroyed, not returned to the pool.
    client.release(broken);
  }
}

/** A read in a READ ONLY transaction with the console's timeouts. Safe on hot standbys. */
export function read<T>(target: Target, fn: (db: Queryable) => Promise<T>): Promise<T> {
  return inTransaction(target, true, fn);
}

/** Like read(), shared by every caller asking for the same key within the TTL. */
export function coalescedRead<T>(target: Target, name: string, fn: (db: Queryable) => Promise<T>): Promise<T> {
  const key = `${target.server}\u0000${target.database ?? ""}\u0000${name}`;
  return coalesce(key, env().PGWARDEN_READ_TTL_MS, () => read(target, fn));
}

/** A short read-write transaction for actions (signals). Never retried. */
export function act<T>(target: Target, fn: (db: Queryable) => Promise<T>): Promise<T> {
  return inTransaction(target, false, fn);
}
