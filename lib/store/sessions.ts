import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { isRole, isServerRole, type Role, type ServerRole } from "@/lib/auth/permissions";
import { store } from "./db";
import { logFailure } from "@/lib/log";

// Server-side sessions: the browser holds a random token, the store only its SHA-256.
// Lifetime: 12 h absolute, 2 h idle. Revocation (logout, disable, password) deletes rows,
// and every request looks the row up, so it takes effect on the very next request.
const ABSOLUTE_HOURS = 12;
const IDLE_MINUTES = 120;

export interface SessionUser {
  id: number;
  name: string;
  defaultRole: Role;
  overrides: Record<string, ServerRole>;
}

const INSERT_SESSION = /* sql */ `
  INSERT INTO sessions (token_sha256, user_id, expires_at, client_addr)
  VALUES ($1, $2, now() + $3 * interval '1 hour', $4)`;
const SESSION_USER = /* sql */ `
  SELECT u.id, u.name, u.default_role, s.last_seen_at < now() - interval '1 minute' AS needs_touch,
         COALESCE((SELECT jsonb_object_agg(r.server, r.role) FROM user_server_roles r WHERE r.user_id = u.id), '{}') AS overrides
    FROM sessions s JOIN users u ON u.id = s.user_id
   WHERE s.token_sha256 = $1
     AND s.expires_at > now()
     AND s.last_seen_at > now() - $2 * interval '1 minute'
     AND NOT u.disabled`;
const TOUCH_SESSION = /* sql */ `UPDATE sessions SET last_seen_at = now() WHERE token_sha256 = $1`;
const DELETE_SESSION = /* sql */ `DELETE FROM sessions WHERE token_sha256 = $1`;
const DELETE_EXPIRED = /* sql */ `
  DELETE FROM sessions WHERE expires_at < now() OR last_seen_at < now() - $1 * interval '1 minute'`;

export function tokenDigest(token: string): Buffer {
  return createHash("sha256").update(token).digest();
}

/** Creates a session and returns its token (shown to the browser once, in the cookie). */
export async function createSession(userId: number, clientAddr: string | null): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const db = await store();
  await db.query(INSERT_SESSION, [tokenDigest(token), userId, ABSOLUTE_HOURS, clientAddr]);
  // Expired rows are swept now and then by sign-ins, so no background job is needed.
  if (Math.random() < 0.05) await db.query(DELETE_EXPIRED, [IDLE_MINUTES]).catch(logFailure("deleting expired sessions"));
  return token;
}

// Requests with the same cookie that arrive while its lookup is in flight share that lookup
// (single flight, no cache: the next request after it returns asks the store again, so a
// revocation still applies to the very next request). A burst of 1,000 page polls is then a
// handful of store queries instead of 1,000 in the pool's queue.
const inFlight = new Map<string, Promise<SessionUser | undefined>>();

async function lookUp(digest: Buffer): Promise<SessionUser | undefined> {
  const db = await store();
  const { rows } = await db.query(SESSION_USER, [digest, IDLE_MINUTES]);
  const r = rows[0];
  if (!r) return undefined;
  if (r.needs_touch) await db.query(TOUCH_SESSION, [digest]);
  const overrides: Record<string, ServerRole> = {};
  for (const [server, role] of Object.entries(r.overrides as Record<string, string>)) if (isServerRole(role)) overrides[server] = role;
  return { id: Number(r.id), name: r.name, defaultRole: isRole(r.default_role) ? r.default_role : "viewer", overrides };
}

export function sessionUser(token: string): Promise<SessionUser | undefined> {
  const digest = tokenDigest(token);
  const key = digest.toString("base64");
  let p = inFlight.get(key);
  if (!p) {
    p = lookUp(digest).finally(() => inFlight.delete(key));
    inFlight.set(key, p);
  }
  // Each caller gets its own copy: nobody can change another request's user by accident.
  return p.then((u) => (u ? { ...u, overrides: { ...u.overrides } } : undefined));
}

export async function deleteSession(token: string): Promise<void> {
  await (await store()).query(DELETE_SESSION, [tokenDigest(token)]);
}

export const SESSION_MAX_AGE_SECONDS = ABSOLUTE_HOURS * 3600;
