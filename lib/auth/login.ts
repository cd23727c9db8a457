import "server-only";
import { ApiError } from "@/lib/api/errors";
import { auditEvent } from "@/lib/store/audit";
import { createSession, deleteSession, type SessionUser } from "@/lib/store/sessions";
import { clearFailures, recordFailure, secondsBlocked } from "@/lib/store/throttle";
import { setPassword, userWithHash, UserError, type StoredUser } from "@/lib/store/users";
import { tryHashSlot } from "./hash-gate";
import { dummyHash, verifyPassword } from "./password";

// Every password check goes through checkPassword: login and password change share one
// throttle (a second sign-in path must not reset or bypass it; pgAdmin CVE-2026-7820).
// Order: a hash slot (or 429 at once) → back-off (a store read; 429 if waiting) → scrypt.

const BAD_CREDENTIALS = "Wrong user name or password.";

async function checkPassword(name: string, password: string, client: string, via: string): Promise<StoredUser> {
  // Turned away cheaply: neither a hash slot nor back-off costs a hash, and neither writes a row
  // (a flood must not turn into a flood of audit rows; the failures that caused it are audited).
  const release = tryHashSlot(client);
  if (!release) throw new ApiError(429, "busy", "Too many sign-ins at this moment. Try again in a second.", 1);
  let user: Awaited<ReturnType<typeof userWithHash>>;
  let ok: boolean;
  try {
    const wait = await secondsBlocked(name, client);
    if (wait > 0) {
      throw new ApiError(429, "too_many_attempts", `Too many failed sign-ins from your address. Try again in ${wait} s.`, wait);
    }
    user = await userWithHash(name);
    // Unknown and disabled users cost the same scrypt as a real one: no timing oracle.
    ok = await verifyPassword(password, user?.passwordHash ?? dummyHash());
  } finally {
    release();
  }
  if (!user || user.disabled || !ok) {
    await recordFailure(name, client);
    await auditEvent({ user: user ? { id: user.id, name: user.name } : null, role: null, action: via, params: { user: name }, client }, "denied", "bad credentials");
    throw new ApiError(401, "bad_credentials", BAD_CREDENTIALS);
  }
  await clearFailures(name, client);
  const { passwordHash: _h, ...rest } = user;
  return rest;
}

/** Signs in; returns the new session token (for the cookie). */
export async function login(name: string, password: string, client: string): Promise<{ token: string; user: StoredUser }> {
  const user = await checkPassword(name, password, client, "login");
  const token = await createSession(user.id, client);
  await auditEvent({ user: { id: user.id, name: user.name }, role: user.defaultRole, action: "login", client }, "ok");
  return { token, user };
}

export async function logout(token: string | undefined, user: SessionUser, client: string): Promise<void> {
  if (token) await deleteSession(token);
  await auditEvent({ user: { id: user.id, name: user.name }, role: user.defaultRole, action: "logout", client }, "ok");
}

/** Changes the caller's password; every session of the user ends, and a fresh one is returned. */
export async function changePassword(user: SessionUser, current: string, next: string, client: string): Promise<string> {
  await checkPassword(user.name, current, client, "password_change");
  try {
    await setPassword(user.id, user.name, next);
  } catch (err) {
    if (err instanceof UserError) throw new ApiError(400, "weak_password", err.message);
    throw err;
  }
  await auditEvent({ user: { id: user.id, name: user.name }, role: user.defaultRole, action: "password_change", client }, "ok");
  return createSession(user.id, client);
}
