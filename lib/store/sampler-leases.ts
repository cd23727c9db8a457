import "server-only";
import { store } from "./db";

// Leases that decide which console replica samples which server. All times are the store's
// clock (now()), so replicas with skewed clocks still agree on who holds what.

const HEARTBEAT = /* sql */ `
  INSERT INTO sampler_replicas (owner, seen_at) VALUES ($1, now())
  ON CONFLICT (owner) DO UPDATE SET seen_at = now()`;
// Replicas gone for a long time are forgotten (their leases have long expired).
const FORGET_REPLICAS = /* sql */ `DELETE FROM sampler_replicas WHERE seen_at < now() - $1 * interval '1 millisecond'`;
const LIVE_REPLICAS = /* sql */ `
  SELECT count(*)::int AS n FROM sampler_replicas WHERE seen_at > now() - $1 * interval '1 millisecond'`;
const ENSURE_ROWS = /* sql */ `
  INSERT INTO sampler_leases (server) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`;
const RENEW = /* sql */ `
  UPDATE sampler_leases SET expires_at = now() + $3 * interval '1 millisecond'
   WHERE owner = $1 AND expires_at > now() AND server = ANY($2::text[])
  RETURNING server`;
// Free or expired leases, claimed by the first replica to lock them; others skip the locked rows
// instead of waiting, so two replicas claiming at once split the servers between them.
const CLAIM = /* sql */ `
  WITH free AS (
    SELECT server FROM sampler_leases
     WHERE server = ANY($2::text[]) AND (owner IS NULL OR expires_at <= now())
     ORDER BY server
     LIMIT $4
       FOR UPDATE SKIP LOCKED
  )
  UPDATE sampler_leases l
     SET owner = $1, expires_at = now() + $3 * interval '1 millisecond', acquired_at = now()
    FROM free WHERE l.server = free.server
  RETURNING l.server`;
const RELEASE = /* sql */ `
  UPDATE sampler_leases SET owner = NULL, expires_at = '-infinity'
   WHERE owner = $1 AND server = ANY($2::text[])`;
const LEAVE = /* sql */ `DELETE FROM sampler_replicas WHERE owner = $1`;

export interface LeaseRound {
  /** servers this replica holds after the round (renewed or newly claimed) */
  held: string[];
  claimed: string[];
  released: string[];
  replicas: number;
}

/**
 * One lease round of a replica: heartbeat, renew what it holds, claim free or expired leases up
 * to its fair share (servers / live replicas, rounded up), and give back what exceeds that share
 * so that a replica that just started gets work. Servers no longer configured are not claimed.
 */
export async function leaseRound(
  owner: string,
  servers: string[],
  ttlMs: number,
  opts: { ensureRows: boolean; claim: boolean },
): Promise<LeaseRound> {
  const db = await store();
  await db.query(HEARTBEAT, [owner]);
  if (opts.ensureRows) {
    await db.query(ENSURE_ROWS, [servers]);
    await db.query(FORGET_REPLICAS, [24 * 3_600_000]);
  }
  const replicas = Math.max(1, (await db.query(LIVE_REPLICAS, [ttlMs])).rows[0]?.n ?? 1);
  const share = Math.ceil(servers.length / replicas);
  const renewed = (await db.query(RENEW, [owner, servers, ttlMs])).rows.map((r) => r.server as string);
  let released: string[] = [];
  if (renewed.length > share) {
    // Keep the first `share` in a stable order so the same servers stay with this replica.
    released = [...renewed].sort().slice(share);
    await db.query(RELEASE, [owner, released]);
  }
  const kept = renewed.filter((s) => !released.includes(s));
  let claimed: string[] = [];
  const room = share - kept.length;
  if (room > 0 && opts.claim) claimed = (await db.query(CLAIM, [owner, servers, ttlMs, room])).rows.map((r) => r.server as string);
  return { held: [...kept, ...claimed], claimed, released, replicas };
}

/** On a clean stop: give everything back at once so another replica takes over without waiting. */
export async function releaseAll(owner: string, servers: string[]): Promise<void> {
  const db = await store();
  await db.query(RELEASE, [owner, servers]);
  await db.query(LEAVE, [owner]);
}
