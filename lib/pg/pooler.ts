import "server-only";
import pg from "pg";
import { env } from "@/lib/config/env";
import { findServer, type ServerConfig } from "@/lib/config/servers";
import type { PoolerFacts } from "@/lib/schemas/server-info";
import { toDbError } from "./errors";
import { CONSOLE_APPLICATION_NAME } from "./pools";
import { processWide } from "@/lib/process-wide";

// Is a server reached through a transaction pooler (PgBouncer in transaction mode and the like)?
// The servers file may say so ("pooler": "pgbouncer"); the console also checks for itself, because
// a pooler nobody declared is exactly the one that bites: a session-level SET or a remembered
// backend pid then belongs to whichever client the pooler hands that server connection to next.
//
// The test: two client connections, one transaction at a time. On a direct connection every
// client keeps its own backend, so two clients never share a pid and one client never changes
// pid. Through a transaction pooler a server connection goes back to the pool after each
// transaction: the second client gets the first one's backend (PgBouncer reuses the most
// recently released one), or, while the second client holds that backend in a transaction, the
// first client's next transaction lands on another one.

export type PoolingVerdict = PoolerFacts["detected"];

interface Observation {
  verdict: PoolingVerdict;
  detail: string;
}

const SLOW_MS = 3_000;
const PID = /* sql */ `SELECT pg_backend_pid() AS pid`;

function client(url: string): pg.Client {
  const c = new pg.Client({
    connectionString: url,
    application_name: CONSOLE_APPLICATION_NAME,
    connectionTimeoutMillis: env().PGWARDEN_CONNECT_TIMEOUT_MS,
    // No setting of any kind is sent: the probe must leave nothing behind on a pooled connection.
    query_timeout: SLOW_MS,
  });
  c.on("error", () => {}); // a dropped connection surfaces through the pending query
  return c;
}

async function pidOf(c: pg.Client): Promise<number> {
  return (await c.query(PID)).rows[0].pid;
}

/** One round of the test: evidence of pooling, or null when each client kept its own backend. */
async function pooledEvidence(a: pg.Client, b: pg.Client): Promise<string | null> {
  const first = await pidOf(a);
  const second = await pidOf(b);
  if (first === second) return `two client connections were served by the same backend (pid ${first}), one transaction after the other`;
  // b holds its backend in a transaction while a runs its next one; b commits right after a's
  // query is sent, so a pool of one cannot deadlock the probe.
  await b.query("BEGIN");
  await pidOf(b);
  const again = pidOf(a);
  await b.query("COMMIT");
  const third = await again;
  if (third !== first) return `one client connection changed backend between two transactions (pid ${first}, then pid ${third})`;
  return null;
}

// Other clients of the same pooler (the console's own reads of this server, run at the same time)
// can take the released backend between our two transactions and hide the evidence for a round.
// A direct connection never shows evidence, so more rounds cannot turn it into a false "pooler".
const ROUNDS = 4;

/** Observes one endpoint. Never throws: an unreachable server is "unknown", decided later. */
export async function detectTransactionPooling(url: string): Promise<Observation> {
  const a = client(url);
  const b = client(url);
  try {
    await Promise.all([a.connect(), b.connect()]);
    const pids = new Set<number>();
    for (let round = 0; round < ROUNDS; round++) {
      const evidence = await pooledEvidence(a, b);
      if (evidence) return { verdict: "transaction", detail: evidence };
      pids.add(await pidOf(a)).add(await pidOf(b));
    }
    if (pids.size > 2) return { verdict: "transaction", detail: `two client connections were served by ${pids.size} different backends` };
    return { verdict: "none", detail: `each client connection kept its own backend (pids ${[...pids].join(" and ")}) over ${ROUNDS} rounds` };
  } catch (err) {
    // The mapped message only: a connection error never echoes the remote side's bytes.
    return { verdict: "unknown", detail: `could not check: ${toDbError(err).message}` };
  } finally {
    await Promise.all([a.end().catch(() => {}), b.end().catch(() => {})]);
  }
}

// Once known, a verdict is kept for the life of the process (server facts are read once per
// server); "unknown" is not kept, so an unreachable server is checked again on the next ask.
const verdicts = processWide("pooler.verdicts", () => new Map<string, Promise<Observation>>()); // one per process (lib/process-wide.ts)

function observe(url: string): Promise<Observation> {
  const hit = verdicts.get(url);
  if (hit) return hit;
  const p = detectTransactionPooling(url);
  verdicts.set(url, p);
  void p.then((o) => {
    if (o.verdict === "unknown" && verdicts.get(url) === p) verdicts.delete(url);
  });
  return p;
}

/** Tests switch registries between cases. */
export function forgetPoolerVerdicts(): void {
  verdicts.clear();
}

export const DIRECT_URL_FIX =
  'Add "directUrl": "postgres://…" (the PostgreSQL server itself, not the pooler) to this server\'s entry in the servers file, then restart the console.';

const WHY = "Maintenance jobs need one session from start to end (their lock_timeout, their backend for progress and cancel), so they never run through a pooler.";

/** What the console knows about poolers in front of `server`, and whether jobs may run. */
export async function poolerFacts(server: ServerConfig): Promise<PoolerFacts> {
  const declared = server.pooler ?? null;
  const main = await observe(server.url);
  const direct = server.directUrl ? await observe(server.directUrl) : null;
  let jobs: PoolerFacts["jobs"];
  if (direct) {
    jobs =
      direct.verdict === "transaction"
        ? {
            ok: false,
            via: null,
            reason: `The directUrl of this server goes through a transaction pooler too (${direct.detail}). ${WHY}`,
            fix: 'Point "directUrl" at the PostgreSQL server itself (its own host and port), not at a pooler.',
          }
        : { ok: true, via: "directUrl", reason: null, fix: null };
  } else if (declared) {
    jobs = { ok: false, via: null, reason: `This server is reached through ${declared === "pgbouncer" ? "PgBouncer" : declared} ("pooler" in the servers file) and has no directUrl. ${WHY}`, fix: DIRECT_URL_FIX };
  } else if (main.verdict === "transaction") {
    jobs = { ok: false, via: null, reason: `This server's connection goes through a transaction pooler: ${main.detail}. ${WHY}`, fix: DIRECT_URL_FIX };
  } else {
    jobs = { ok: true, via: "url", reason: null, fix: null };
  }
  return {
    declared,
    detected: main.verdict,
    detail: main.detail,
    directUrl: !!server.directUrl,
    ...(direct ? { directDetected: direct.verdict } : {}),
    jobs,
  };
}

/** By id; undefined for an unknown server (callers have checked the registry). */
export async function poolerFactsFor(serverId: string): Promise<PoolerFacts | undefined> {
  const server = findServer(serverId);
  return server ? poolerFacts(server) : undefined;
}
