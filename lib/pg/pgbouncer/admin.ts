import "server-only";
import pg from "pg";
import { env } from "@/lib/config/env";
import { findPgbouncer } from "@/lib/config/servers";
import { cacheKey } from "../cache-keys";
import { cached } from "../cache";
import { DbError } from "../errors";
import { markReachable, markUnreachable } from "../health";
import { CONSOLE_APPLICATION_NAME } from "../pools";
import { processWide } from "@/lib/process-wide";

// PgBouncer's admin console (database `pgbouncer`) speaks only the simple query protocol: a query
// with parameters gets "extended query protocol not supported by admin console", and a named
// (prepared) one breaks the connection. node-postgres sends a query without values and without a
// name as a simple query, so every command here is a plain string. The only variable part, a
// database name in PAUSE/RESUME/RECONNECT, comes from SHOW DATABASES and is quoted (admin.c's
// WORD: a double-quoted name with "" for a quote).
// There is no transaction and no SET: the admin console has neither.

export type Row = Record<string, unknown>;

const pools = processWide("pgbouncer-admin.pools", () => new Map<string, pg.Pool>()); // one per process (lib/process-wide.ts)

function poolOf(server: string): pg.Pool {
  const existing = pools.get(server);
  if (existing) return existing;
  const entry = findPgbouncer(server);
  if (!entry) throw new Error(`unknown pgbouncer ${server}`); // the route handler checked the id
  const e = env();
  const pool = new pg.Pool({
    connectionString: entry.url,
    max: 2,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: e.PGWARDEN_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    // Tracked by PgBouncer (SHOW CLIENTS shows it), so the console's own connection is flagged.
    application_name: CONSOLE_APPLICATION_NAME,
    query_timeout: e.PGWARDEN_STATEMENT_TIMEOUT_MS,
  });
  pool.on("error", () => {});
  pools.set(server, pool);
  return pool;
}

export async function closeBouncerPools() {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.end().catch(() => {})));
}

/** An error PgBouncer sent (ErrorResponse) rather than a failed connection. */
export class BouncerError extends Error {
  constructor(
    message: string,
    readonly kind: "not_permitted" | "not_found" | "refused",
  ) {
    super(message);
    this.name = "BouncerError";
  }
}

function mapError(err: unknown): Error {
  const e = err as Error & { code?: string; severity?: string };
  // PgBouncer answers admin errors with SQLSTATE 08P01 (a "connection" class), so its message,
  // not the class, tells a refusal from a broken connection.
  if (e?.severity && e.code !== "28P01" && e.code !== "28000") {
    const m = e.message ?? "";
    if (/admin access needed|not allowed|permission/i.test(m)) {
      return new BouncerError("PgBouncer refused: the console's PgBouncer user is not in admin_users (only admins may PAUSE, RESUME, RECONNECT).", "not_permitted");
    }
    if (/no such database/i.test(m)) return new BouncerError(`PgBouncer: ${m}`, "not_found");
    return new BouncerError(`PgBouncer: ${m}`, "refused");
  }
  if (e?.code === "28P01" || e?.code === "28000") return new DbError("unreachable", "The console could not log in to PgBouncer's admin console (user/password, auth_file).", "unavailable", e.code);
  if (/timeout/i.test(e?.message ?? "")) return new DbError("statement_timeout", "PgBouncer did not answer in time.", "timeout");
  return new DbError("unreachable", "PgBouncer's admin console is unreachable.", "unavailable");
}

/** Runs admin commands on one connection, in order. `commands` are constants or built by quoteName(). */
export async function adminCommands(server: string, commands: string[]): Promise<Row[][]> {
  let client: pg.PoolClient;
  try {
    client = await poolOf(server).connect();
  } catch (err) {
    markUnreachable(server);
    throw mapError(err);
  }
  let broken = false;
  try {
    const out: Row[][] = [];
    // Plain strings only: no values, no name (simple protocol).
    for (const text of commands) out.push((await client.query(text)).rows as Row[]);
    markReachable(server);
    return out;
  } catch (err) {
    const mapped = mapError(err);
    broken = !(mapped instanceof BouncerError);
    if (broken) markUnreachable(server);
    throw mapped;
  } finally {
    client.release(broken);
  }
}

/** Shared by every viewer within the read TTL, like the PostgreSQL reads. */
export function coalescedAdmin(server: string, name: string, commands: string[]): Promise<{ rows: Row[][]; readAt: number }> {
  return cached(cacheKey({ server }, "pgbouncer-admin", name), async () => ({
    rows: await adminCommands(server, commands),
    readAt: Date.now(),
  }));
}

/** A database name as the admin console's parser accepts it: double quotes, "" inside. */
export function quoteName(name: string): string {
  return pg.escapeIdentifier(name);
}
