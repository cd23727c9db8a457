import "server-only";
import { ApiError } from "@/lib/api/errors";
import { auditEvent } from "@/lib/store/audit";
import { createSession, deleteSession, type SessionUser } from "@/lib/store/sessions";
import { clearFailures, lockedUntil, recordFailure, throttleKeys } from "@/lib/store/throttle";
import { setPassword, userWithHash, UserError, type StoredUser } from "@/lib/store/users";
import { dummyHash, verifyPassword } from "./password";

// Every password check goes through checkPassword: login and password change share one
// throttle and lockout (a second sign-in path must not reset or bypass it; pgAdmin CVE-2026-7820).

const BAD_CREDENTIALS = "Wrong user name or password.";

async function checkPassword(name: string, password: string, client: string | null, via: string): Promise<StoredUser> {
  const keys = throttleKeys(name, client);
  const until = await lockedUntil(keys);
  if (until) {
    await auditEvent({ user: null, role: null, action: via, params: { user: name }, client }, "denied", "locked out");
    throw new ApiError(429, "locked_out", `Too many failed sign-ins. Try again after ${until.toISOString()}.`);
  }
  const user = await userWithHash(name);
  // Unknown and disabled users cost the same scrypt as a real one: no timing oracle.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await dummyHash()));
  if (!user || user.disabled || !ok) {
    await recordFailure(keys);
    await auditEvent({ user: user ? { id: user.id, name: user.name } : null, role: null, action: via, params: { user: name }, client }, "denied", "bad credentials");
    throw new ApiError(401, "bad_credentials", BAD_CREDENTIALS);
  }
  await clearFailures(keys[0]!);
  const { passwordHash: _h, ...rest } = user;
  return rest;
}

/** Signs in; returns the new session token (for the cookie). */
export async function login(name: string, password: string, client: string | null): Promise<{ token: string; user: StoredUser }> {
  const user = await checkPassword(name, password, client, "login");
  const token = await createSession(user.id, client);
  await auditEvent({ user: { id: user.id, name: user.name }, role: user.defaultRole, action: "login", client }, "ok");
  return { token, user };
}

export async function logout(token: string | undefined, user: SessionUser, client: string | null): Promise<void> {
  if (token) await deleteSession(token);
  await auditEvent({ user: { id: user.id, name: user.name }, role: user.defaultRole, action: "logout", client }, "ok");
}

/** Changes the caller's password; every session of the user ends, and a fresh one is returned. */
export async function changePassword(user: SessionUser, current: string, next: string, client: string | null): Promise<string> {
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
