import "server-only";
import { store } from "./db";

// One sign-in throttle for every path that checks a password (login, password change),
// kept in the store so all replicas share it. Keys: "user:<lower name>" and "addr:<client>".
export interface ThrottlePolicy {
  maxFailures: number;
  windowMinutes: number;
  lockMinutes: number;
}

function envInt(name: string, def: number): number {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : def;
}

export function policyFor(key: string): ThrottlePolicy {
  const lockMinutes = envInt("PGWARDEN_LOGIN_LOCK_MINUTES", 15);
  // An address may be a NAT or office proxy shared by many people: a looser limit than per user.
  return key.startsWith("addr:")
    ? { maxFailures: envInt("PGWARDEN_LOGIN_MAX_FAILURES_PER_ADDRESS", 20), windowMinutes: 15, lockMinutes }
    : { maxFailures: envInt("PGWARDEN_LOGIN_MAX_FAILURES", 5), windowMinutes: 15, lockMinutes };
}

const LOCKED_UNTIL = /* sql */ `
  SELECT max(locked_until) AS until FROM login_throttle WHERE key = ANY($1) AND locked_until > now()`;
const RECORD_FAILURE = /* sql */ `
  INSERT INTO login_throttle AS t (key, failures, window_start) VALUES ($1, 1, now())
  ON CONFLICT (key) DO UPDATE SET
    failures = CASE WHEN t.window_start < now() - $2 * interval '1 minute' THEN 1 ELSE t.failures + 1 END,
    window_start = CASE WHEN t.window_start < now() - $2 * interval '1 minute' THEN now() ELSE t.window_start END
  RETURNING failures`;
const LOCK = /* sql */ `UPDATE login_throttle SET locked_until = now() + $2 * interval '1 minute' WHERE key = $1`;
const CLEAR = /* sql */ `DELETE FROM login_throttle WHERE key = $1`;

export function throttleKeys(userName: string, clientAddr: string | null): string[] {
  return [`user:${userName.toLowerCase()}`, ...(clientAddr ? [`addr:${clientAddr}`] : [])];
}

/** When the earliest of the keys unlocks, or undefined if none is locked. */
export async function lockedUntil(keys: string[]): Promise<Date | undefined> {
  const { rows } = await (await store()).query(LOCKED_UNTIL, [keys]);
  return rows[0]?.until ?? undefined;
}

export async function recordFailure(keys: string[]): Promise<void> {
  const db = await store();
  for (const key of keys) {
    const p = policyFor(key);
    const { rows } = await db.query(RECORD_FAILURE, [key, p.windowMinutes]);
    if (rows[0].failures >= p.maxFailures) await db.query(LOCK, [key, p.lockMinutes]);
  }
}

export async function clearFailures(key: string): Promise<void> {
  await (await store()).query(CLEAR, [key]);
}
