import "server-only";
import pg from "pg";
import { env } from "@/lib/config/env";
import { findServer } from "@/lib/config/servers";
import { connectionFacts, inReservedRange, type ConnectionFacts } from "./connection-facts";
import { ConsoleBusyError } from "./errors";
import { processWide } from "@/lib/process-wide";

// bigint counters (pg_stat_*) as numbers: they stay far below 2^53 for display purposes,
// and int8 OIDs (20) would otherwise arrive as strings in every area function.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v)); // numeric: sizes and ratios, display only

export const CONSOLE_APPLICATION_NAME = "pgwarden";
export type { ConnectionFacts } from "./connection-facts";

export interface Target {
  server: string;
  /** Database name; undefined means the one in the server's configured URL. */
  database?: string;
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

// ONE budget per server, shared by its databases: at most PGWARDEN_POOL_MAX connections open
// (busy or idle) to a server, whatever mix of databases the pages ask for. pg.Pool counts per
// pool, so with one pool per database a busy console held 3 × databases slots in a storm; here a
// connection idle on one database is closed to open one on another when the budget is used up.
// Waiting is FIFO, bounded in time and length, and ends in ConsoleBusyError ("console busy"),
// which is never taken for the server being unreachable (issue 8 item 8).

export interface Lease {
  client: pg.Client;
  /** true: this connection sits in a reserved slot (closed as soon as it is released) */
  reserved: boolean;
  /** Give the connection back; `destroy` when it failed mid-use and must not be reused. */
  release(destroy?: boolean): void;
}

interface Conn {
  client: pg.Client;
  db: string;
  reserved: boolean;
  broken: boolean;
  idleTimer?: NodeJS.Timeout;
}

interface Waiter {
  target: Target;
  resolve(lease: Lease): void;
  reject(err: unknown): void;
  timer: NodeJS.Timeout;
}

interface ServerPool {
  /** connections open or being opened */
  open: number;
  idle: Conn[];
  waiters: Waiter[];
  /** open connections in a reserved slot: at most one */
  reservedOpen: number;
  /** a connection is being opened: one at a time, so a storm never sees several slots taken at once */
  connecting: boolean;
  /** the server refused a connection (53300) while we hold others: wait for ours instead of retrying */
  full: boolean;
  facts?: ConnectionFacts;
  /** closeAllPools() ran: connections still in use are closed when released */
  closed?: boolean;
}

const pools = processWide("server-pools", () => new Map<string, ServerPool>());

function serverPool(server: string): ServerPool {
  let sp = pools.get(server);
  if (!sp) pools.set(server, (sp = { open: 0, idle: [], waiters: [], reservedOpen: 0, connecting: false, full: false }));
  return sp;
}

/** The last facts a connection to `server` reported (for messages when no connection can be made). */
export function lastConnectionFacts(server: string): ConnectionFacts | undefined {
  return pools.get(server)?.facts;
}

/** Connections open to `server` now (tests and the bench). */
export function openConnections(server: string): number {
  return pools.get(server)?.open ?? 0;
}

function close(sp: ServerPool, c: Conn) {
  clearTimeout(c.idleTimer);
  sp.open--;
  if (c.reserved) sp.reservedOpen--;
  c.client.end().catch(() => {});
}

function lease(sp: ServerPool, c: Conn): Lease {
  let released = false;
  return {
    client: c.client,
    reserved: c.reserved,
    release: (destroy = false) => {
      if (released) return;
      released = true;
      giveBack(sp, c, destroy || c.broken);
    },
  };
}

function giveBack(sp: ServerPool, c: Conn, destroy: boolean) {
  sp.full = false;
  if (!destroy && !sp.closed) {
    const same = sp.waiters.findIndex((w) => dbKey(w.target) === c.db);
    if (same >= 0) return serve(sp.waiters.splice(same, 1)[0]!, lease(sp, c));
  }
  // A reserved slot is handed back to the server at once: the DBA's own psql may need it.
  if (destroy || c.reserved || sp.waiters.length > 0 || sp.closed) {
    close(sp, c);
    return dispatch(sp);
  }
  c.idleTimer = setTimeout(() => {
    const i = sp.idle.indexOf(c);
    if (i >= 0) sp.idle.splice(i, 1);
    close(sp, c);
    dispatch(sp);
  }, env().PGWARDEN_POOL_IDLE_MS);
  c.idleTimer.unref?.();
  sp.idle.push(c);
}

function serve(w: Waiter, l: Lease) {
  clearTimeout(w.timer);
  w.resolve(l);
}

/**
 * Whether a new connection may be opened now: one attempt at a time, never while we hold a
 * reserved slot (the server is out of ordinary ones: wait for ours), never right after the server
 * said it is full, and within the budget (an idle connection to another database may be closed).
 */
function canOpen(sp: ServerPool): boolean {
  return !sp.connecting && !sp.full && !sp.closed && sp.reservedOpen === 0 && (sp.open < env().PGWARDEN_POOL_MAX || sp.idle.length > 0);
}

function startOpen(sp: ServerPool, target: Target): Promise<Lease> {
  if (sp.open >= env().PGWARDEN_POOL_MAX) close(sp, sp.idle.shift()!); // idle on another database
  sp.open++;
  sp.connecting = true;
  const opening = openFor(sp, target);
  const done = () => {
    sp.connecting = false;
    dispatch(sp);
  };
  opening.then(done, done);
  return opening;
}

/** Serves the first waiter if a connection can be opened for it now. */
function dispatch(sp: ServerPool) {
  if (sp.waiters.length === 0 || !canOpen(sp)) return;
  const w = sp.waiters.shift()!;
  clearTimeout(w.timer);
  startOpen(sp, w.target).then(w.resolve, w.reject);
}

const dbKey = (t: Target) => t.database ?? "";

/** Opens a connection (sp.open already counts it) and checks which slot it landed in. */
async function openFor(sp: ServerPool, target: Target): Promise<Lease> {
  const server = findServer(target.server);
  const e = env();
  const client = new pg.Client({
    connectionString: urlForDatabase(server!.url, target.database),
    connectionTimeoutMillis: e.PGWARDEN_CONNECT_TIMEOUT_MS,
    keepAlive: true,
    // application_name is accepted as a startup parameter by PgBouncer; timeouts are not,
    // so those are set with SET LOCAL per transaction (see run.ts).
    application_name: CONSOLE_APPLICATION_NAME,
    // A hung server is given up at statement_timeout + 1 s (run.ts sets it per query as well).
    query_timeout: e.PGWARDEN_STATEMENT_TIMEOUT_MS + 1_000,
  });
  const conn: Conn = { client, db: dbKey(target), reserved: false, broken: false };
  // Without a listener an idle client's error (server restart) would crash the process.
  client.on("error", () => void (conn.broken = true));
  let facts: ConnectionFacts;
  try {
    await client.connect();
    facts = await connectionFacts(client);
  } catch (err) {
    sp.open--;
    client.end().catch(() => {});
    // Out of slots while we hold connections of our own: wait for one of those.
    if ((err as { code?: string }).code === "53300" && sp.open > 0) {
      // An idle one (another database) is given up for this one; else wait for a busy one's release.
      if (sp.idle.length > 0) close(sp, sp.idle.shift()!);
      else sp.full = true;
      return enqueue(sp, target, true);
    }
    throw err;
  }
  sp.facts = facts;
  if (inReservedRange(facts)) {
    if (sp.reservedOpen >= 1) {
      // Never a second reserved slot: give this one back and wait for a connection we hold.
      sp.open--;
      client.end().catch(() => {});
      return enqueue(sp, target, true);
    }
    conn.reserved = true;
    sp.reservedOpen++;
  }
  return lease(sp, conn);
}

function enqueue(sp: ServerPool, target: Target, front = false): Promise<Lease> {
  const e = env();
  if (sp.waiters.length >= e.PGWARDEN_POOL_QUEUE_MAX) return Promise.reject(new ConsoleBusyError(target.server, "queue"));
  return new Promise<Lease>((resolve, reject) => {
    const w: Waiter = {
      target,
      resolve,
      reject,
      timer: setTimeout(() => {
        const i = sp.waiters.indexOf(w);
        if (i >= 0) sp.waiters.splice(i, 1);
        reject(new ConsoleBusyError(target.server, "wait"));
      }, e.PGWARDEN_POOL_WAIT_MS),
    };
    if (front) sp.waiters.unshift(w);
    else sp.waiters.push(w);
  });
}

/** A connection to (server, database) within the server's budget; release it when done. */
export function acquire(target: Target): Promise<Lease> {
  if (!findServer(target.server)) throw new Error(`unknown server ${target.server}`); // callers check first; a bug if reached
  const sp = serverPool(target.server);
  const k = dbKey(target);
  for (let i = sp.idle.length - 1; i >= 0; i--) {
    const c = sp.idle[i]!;
    if (c.db !== k) continue;
    sp.idle.splice(i, 1);
    clearTimeout(c.idleTimer);
    if (c.broken) {
      close(sp, c);
      continue;
    }
    return Promise.resolve(lease(sp, c));
  }
  if (sp.waiters.length === 0 && canOpen(sp)) return startOpen(sp, target);
  return enqueue(sp, target);
}

export async function closeAllPools() {
  const all = [...pools.values()];
  pools.clear();
  for (const sp of all) {
    sp.closed = true;
    for (const w of sp.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(new ConsoleBusyError("", "closed"));
    }
    await Promise.all(sp.idle.splice(0).map((c) => (clearTimeout(c.idleTimer), c.client.end().catch(() => {}))));
  }
}
