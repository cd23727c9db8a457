import "server-only";
import { env } from "@/lib/config/env";
import { store } from "./db";

// Sign-in throttling shared by every replica (rows in the store) and every password path (login,
// password change). Two kinds of rows:
//   pair:<address> <user>  exponential back-off after PGWARDEN_LOGIN_MAX_FAILURES wrong passwords
//                          for that user from that address (1 s, 2 s, 4 s … up to the lock time);
//   addr:<address>         at most PGWARDEN_LOGIN_MAX_FAILURES_PER_ADDRESS failures (any user name)
//                          per window, then the address waits for the window to end.
// There is deliberately no per-user lock: a stranger elsewhere must not be able to lock the
// on-call admin out. Unknown user names are throttled exactly like real ones (no oracle).

/** The key of a name: lower-case (one throttle for "Admin" and "admin"), never raw request text. */
function pairKey(userName: string, address: string): string {
  return `pair:${address} ${encodeURIComponent(userName.toLowerCase())}`;
}

const addrKey = (address: string) => `addr:${address}`;

const BLOCKED = /* sql */ `
  SELECT ceil(extract(epoch FROM max(blocked_until) - now()))::int AS wait_s
    FROM login_throttle WHERE key = ANY($1) AND blocked_until > now()`;

// A pair's count restarts after a quiet window; its back-off doubles per failure past the free ones.
const PAIR_FAILURE = /* sql */ `
  WITH up AS (
    INSERT INTO login_throttle AS t (key, failures, first_failure_at, last_failure_at) VALUES ($1, 1, now(), now())
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN t.last_failure_at < now() - $2 * interval '1 minute' THEN 1 ELSE t.failures + 1 END,
      first_failure_at = CASE WHEN t.last_failure_at < now() - $2 * interval '1 minute' THEN now() ELSE t.first_failure_at END,
      last_failure_at = now()
    RETURNING key, failures)
  UPDATE login_throttle t
     SET blocked_until = CASE WHEN up.failures > $3
           THEN now() + least(power(2, least(up.failures - $3 - 1, 30)), $2 * 60) * interval '1 second' END
    FROM up WHERE t.key = up.key`;

// An address's count covers one fixed window from its first failure; at the cap it waits that window out.
const ADDRESS_FAILURE = /* sql */ `
  WITH up AS (
    INSERT INTO login_throttle AS t (key, failures, first_failure_at, last_failure_at) VALUES ($1, 1, now(), now())
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN t.first_failure_at < now() - $2 * interval '1 minute' THEN 1 ELSE t.failures + 1 END,
      first_failure_at = CASE WHEN t.first_failure_at < now() - $2 * interval '1 minute' THEN now() ELSE t.first_failure_at END,
      last_failure_at = now()
    RETURNING key, failures, first_failure_at)
  UPDATE login_throttle t
     SET blocked_until = CASE WHEN up.failures >= $3 THEN up.first_failure_at + $2 * interval '1 minute' END
    FROM up WHERE t.key = up.key`;

const CLEAR = /* sql */ `DELETE FROM login_throttle WHERE key = $1`;

// Rows whose window and back-off are both over carry no information any more.
const PRUNE = /* sql */ `
  DELETE FROM login_throttle
   WHERE last_failure_at < now() - $1 * interval '1 minute'
     AND (blocked_until IS NULL OR blocked_until < now())`;

const PRUNE_EVERY_MS = 60_000;
let lastPrune = 0;

/** Seconds until this user may try again from this address, or 0. */
export async function secondsBlocked(userName: string, address: string): Promise<number> {
  const { rows } = await (await store()).query(BLOCKED, [[pairKey(userName, address), addrKey(address)]]);
  return Math.max(0, Number(rows[0]?.wait_s ?? 0));
}

export async function recordFailure(userName: string, address: string): Promise<void> {
  const e = env();
  const db = await store();
  const window = Math.max(1, e.PGWARDEN_LOGIN_LOCK_MINUTES);
  await db.query(PAIR_FAILURE, [pairKey(userName, address), window, e.PGWARDEN_LOGIN_MAX_FAILURES]);
  await db.query(ADDRESS_FAILURE, [addrKey(address), window, Math.max(1, e.PGWARDEN_LOGIN_MAX_FAILURES_PER_ADDRESS)]);
  if (Date.now() - lastPrune > PRUNE_EVERY_MS) {
    lastPrune = Date.now();
    await pruneThrottle().catch(() => {}); // housekeeping; a failure here must not change the answer
  }
}

/** A correct password ends that pair's back-off (the address count stays: it is about the address). */
export async function clearFailures(userName: string, address: string): Promise<void> {
  await (await store()).query(CLEAR, [pairKey(userName, address)]);
}

/** Deletes rows that no longer throttle anything; returns how many. */
export async function pruneThrottle(): Promise<number> {
  const window = Math.max(1, env().PGWARDEN_LOGIN_LOCK_MINUTES);
  const { rowCount } = await (await store()).query(PRUNE, [window]);
  return rowCount ?? 0;
}
