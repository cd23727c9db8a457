import "server-only";
import pg from "pg";
import { env } from "@/lib/config/env";
import { findServer } from "@/lib/config/servers";
import { cacheKey } from "./cache-keys";
import { cached } from "./cache";
import { dbFailure } from "./errors";
import { poolerFacts } from "./pooler";
import { CONSOLE_APPLICATION_NAME, urlForDatabase, type Target } from "./pools";
import type { Queryable } from "./types";
import { processWide } from "@/lib/process-wide";

// Where maintenance jobs connect. A job needs ONE session from its setup to its end: its
// session-level lock_timeout and statement_timeout = 0 must apply to its own statement and to
// nobody else's, and its backend (pid + backend_start + the statement's tag) is how progress and
// cancel find it. Through a transaction pooler none of that holds, so jobs use the server's
// `directUrl`, or its `url` when that is not pooled; otherwise they are refused with the fix.
// Progress reads and cancels of a job go to the same endpoint as the job: the pids there are the
// job's, and the role there may see its query text.

export class JobsRefused extends Error {
  constructor(
    readonly reason: string,
    readonly fix: string | null,
  ) {
    super(fix ? `${reason} ${fix}` : reason);
    this.name = "JobsRefused";
  }
}

/** The URL jobs on `target` connect to, or JobsRefused. */
export async function jobEndpoint(target: Target): Promise<string> {
  const server = findServer(target.server);
  if (!server) throw new JobsRefused(`No server "${target.server}" is configured any more.`, null);
  const facts = await poolerFacts(server);
  if (!facts.jobs.ok) throw new JobsRefused(facts.jobs.reason ?? "Jobs cannot run on this server.", facts.jobs.fix);
  const base = facts.jobs.via === "directUrl" ? server.directUrl! : server.url;
  return urlForDatabase(base, target.database);
}

/** A job's own connection: closed by the runner after its one statement. */
export async function jobClientConfig(target: Target): Promise<pg.ClientConfig> {
  return {
    connectionString: await jobEndpoint(target),
    connectionTimeoutMillis: env().PGWARDEN_CONNECT_TIMEOUT_MS,
    keepAlive: true,
  };
}

// Short reads on the job endpoint (progress, guarded cancel, orphan checks): one connection per
// (server, database) at most, closed after 10 s idle, settings with SET LOCAL like every read.
const pools = processWide("job-connection.pools", () => new Map<string, pg.Pool>()); // one per process (lib/process-wide.ts)

function poolFor(url: string): pg.Pool {
  const hit = pools.get(url);
  if (hit) return hit;
  const e = env();
  const pool = new pg.Pool({
    connectionString: url,
    max: 1,
    idleTimeoutMillis: 10_000,
    connectionTimeoutMillis: e.PGWARDEN_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    application_name: CONSOLE_APPLICATION_NAME,
    query_timeout: e.PGWARDEN_STATEMENT_TIMEOUT_MS + 1_000,
  });
  pool.on("error", () => {}); // an idle client's error (server restart) must not crash the process
  pools.set(url, pool);
  return pool;
}

/** Runs `fn` in a short transaction on the job endpoint of `target`. */
export async function withJobEndpoint<T>(target: Target, fn: (db: Queryable) => Promise<T>): Promise<T> {
  const e = env();
  const url = await jobEndpoint(target);
  let client: pg.PoolClient;
  try {
    client = await poolFor(url).connect();
  } catch (err) {
    throw dbFailure(err);
  }
  let broken = false;
  try {
    await client.query(
      `BEGIN; SET LOCAL statement_timeout = ${e.PGWARDEN_STATEMENT_TIMEOUT_MS}; SET LOCAL lock_timeout = ${e.PGWARDEN_LOCK_TIMEOUT_MS}`,
    );
    const out = await fn(client);
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => (broken = true));
    throw dbFailure(err);
  } finally {
    client.release(broken);
  }
}

/** Like withJobEndpoint, shared by every viewer asking within the read TTL (progress polls). */
export function coalescedJobRead<T>(target: Target, name: string, fn: (db: Queryable) => Promise<T>): Promise<T> {
  return cached(cacheKey(target, "job-read", name), () => withJobEndpoint(target, fn));
}

export async function closeJobPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.end().catch(() => {})));
}
