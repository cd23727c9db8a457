import "server-only";
import { findPgbouncer, findServer, servers } from "@/lib/config/servers";
import type { ServerLink } from "@/lib/schemas/findings";
import { cacheKey } from "../cache-keys";
import { cached } from "../cache";
import { read } from "../run";
import { SYSTEM_IDENTITY } from "./sql";

// A standby and its primary share the system identifier of pg_control_system() (a standby is a
// copy of the primary's cluster). Identities of the other registered servers are read once a
// minute and reused; an unreachable server is remembered as unknown for that minute too, so one
// dead entry does not slow every replication page down.

/** A cold lookup may not hold the page longer than this; the answer lands in the cache later. */
const COLD_WAIT_MS = 1_500;

export interface Identity {
  systemIdentifier: string | null;
  inRecovery: boolean;
  /** the slot this server's WAL receiver streams from (standbys) */
  receiverSlot: string | null;
  postmasterStart: number | null;
}

function identityOf(server: string): Promise<Identity | null> {
  return cached(cacheKey({ server }, "system-identity"), () =>
    read({ server }, async (db) => {
      const r = (await db.query(SYSTEM_IDENTITY)).rows[0];
      return { systemIdentifier: r.system_identifier, inRecovery: r.in_recovery, receiverSlot: r.receiver_slot, postmasterStart: r.postmaster_start_ms } as Identity;
    }).catch(() => null),
  );
}

function withinColdWait<T>(p: Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), COLD_WAIT_MS)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export interface Peer extends ServerLink {
  inRecovery: boolean;
  receiverSlot: string | null;
}

/**
 * Other registered PostgreSQL servers with the same system identifier. An entry with the same
 * identifier AND the same postmaster start time is this very instance registered again (another
 * role, another database): not a peer.
 */
export async function peersOf(server: string, self: { systemIdentifier: string | null; postmasterStart: number | null }): Promise<Peer[]> {
  if (!self.systemIdentifier) return [];
  const others = servers().filter((s) => s.id !== server);
  const ids = await Promise.all(others.map((s) => withinColdWait(identityOf(s.id))));
  return others.flatMap((s, i) => {
    const id = ids[i];
    if (!id || id.systemIdentifier !== self.systemIdentifier || id.postmasterStart === self.postmasterStart) return [];
    return [{ id: s.id, name: s.name, inRecovery: id.inRecovery, receiverSlot: id.receiverSlot }];
  });
}

/** The PgBouncer a PostgreSQL entry names in the servers file. */
export function pgbouncerLink(server: string): ServerLink | null {
  const id = findServer(server)?.pgbouncer;
  const b = id ? findPgbouncer(id) : undefined;
  return b ? { id: b.id, name: b.name } : null;
}
