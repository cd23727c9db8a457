import "server-only";
import pg from "pg";
import { env } from "@/lib/config/env";
import { findServer } from "@/lib/config/servers";

// bigint counters (pg_stat_*) as numbers: they stay far below 2^53 for display purposes,
// and int8 OIDs (20) would otherwise arrive as strings in every area function.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v)); // numeric: sizes and ratios, display only

export const CONSOLE_APPLICATION_NAME = "pgwarden";

export interface Target {
  server: string;
  /** Database name; undefined means the one in the server's configured URL. */
  database?: string;
}

const pools = new Map<string, pg.Pool>();

function key(t: Target) {
  return `${t.server}\u0000${t.database ?? ""}`;
}

/**
 * The configured URL with another database name in its path. pg lets the connection string win
 * over a separate `database` field, so the path itself is replaced; the name is percent-encoded,
 * and callers have already matched it against pg_database (lib/pg/databases.ts).
 */
export function urlForDatabase(url: string, database: string | undefined): string {
  if (!database) return url;
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** One small pool per (server, database), created lazily and closed when idle. */
export function poolFor(target: Target): pg.Pool {
  const k = key(target);
  const existing = pools.get(k);
  if (existing) return existing;
  const server = findServer(target.server);
  if (!server) throw new Error(`unknown server ${target.server}`); // callers check first; a bug if reached
  const e = env();
  const pool = new pg.Pool({
    connectionString: urlForDatabase(server.url, target.database),
    max: e.PGWARDEN_POOL_MAX,
    connectionTimeoutMillis: e.PGWARDEN_CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    // application_name is accepted as a startup parameter by PgBouncer; timeouts are not,
    // so those are set with SET LOCAL per transaction (see run.ts).
    application_name: CONSOLE_APPLICATION_NAME,
    // Client-side backstop for a black-holed connection, above the server-side statement_timeout.
    query_timeout: e.PGWARDEN_STATEMENT_TIMEOUT_MS + 5_000,
  });
  // Without a listener an idle client's error (server restart) would crash the process.
  pool.on("error", () => {});
  // pg-pool listens to a client only while it is idle: a FATAL (server shutdown, terminate) that
  // arrives in the same packet as a new connection's ReadyForQuery, or between two queries, was an
  // uncaughtException. The query that uses the client reports the failure; this only keeps it heard.
  pool.on("connect", (client) => client.on("error", () => {}));
  pools.set(k, pool);
  return pool;
}

export async function closeAllPools() {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.end().catch(() => {})));
}
