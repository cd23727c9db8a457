import "server-only";
import { env } from "@/lib/config/env";
import { store } from "./db";
import { logFailure } from "@/lib/log";

// Sign-in throttling shared by every replica (rows in the store) and every password path (login,
// password change). Two kinds of rows:
//   pair:<address> <user>  exponential back-off after PGWARDEN_LOGIN_MAX_FAILURES wrong passwords
//                          for that user from that address (30 s, 1 min, 2 min … up to the lock time);
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

// One upsert per failure (a data-modifying CTE could not update the row it just wrote). $2: the
// window in minutes, $3: the threshold. The new count is spelled out twice: once to store it,
// once to derive blocked_until from it.
//
// A pair's count restarts after a quiet window; past the free failures its back-off doubles.
const PAIR_COUNT = /* sql */ `CASE WHEN t.last_failure_at < now() - $2 * interval '1 minute' THEN 1 ELSE t.failures + 1 END`;
const pairBlock = (n: string) => /* sql */ `
  CASE WHEN ${n} > $3 THEN now() + least(30 * power(2, least(${n} - $3 - 1, 20)), $2 * 60) * interval '1 second' END`;
const PAIR_FAILURE = /* sql */ `
  INSERT INTO login_throttle AS t (key, failures, first_failure_at, last_failure_at, blocked_until)
  VALUES ($1, 1, now(), now(), ${pairBlock("1")})
  ON CONFLICT (key) DO UPDATE SET
    failures = ${PAIR_COUNT},
    first_failure_at = CASE WHEN t.last_failure_at < now() - $2 * interval '1 minute' THEN now() ELSE t.first_failure_at END,
    last_failure_at = now(),
    blocked_until = ${pairBlock(PAIR_COUNT)}`;

// An address's count covers one fixed window from its first failure; at the cap it waits that window out.
const ADDR_NEW_WINDOW = /* sql */ `t.first_failure_at < now() - $2 * interval '1 minute'`;
const ADDR_COUNT = /* sql */ `CASE WHEN ${ADDR_NEW_WINDOW} THEN 1 ELSE t.failures + 1 END`;
const ADDR_START = /* sql */ `CASE WHEN ${ADDR_NEW_WINDOW} THEN now() ELSE t.first_failure_at END`;
const ADDRESS_FAILURE = /* sql */ `
  INSERT INTO login_throttle AS t (key, failures, first_failure_at, last_failure_at, blocked_until)
  VALUES ($1, 1, now(), now(), CASE WHEN 1 >= $3 THEN now() + $2 * interval '1 minute' END)
  ON CONFLICT (key) DO UPDATE SET
    failures = ${ADDR_COUNT},
    first_failure_at = ${ADDR_START},
    last_failure_at = now(),
    blocked_until = CASE WHEN ${ADDR_COUNT} >= $3 THEN ${ADDR_START} + $2 * interval '1 minute' END`;

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
    await pruneThrottle().catch(logFailure("pruning the sign-in throttle")); // housekeeping; a failure here must not change the answer
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
