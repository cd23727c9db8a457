import "server-only";
import { hashPassword, passwordProblem, randomPassword } from "@/lib/auth/password";
import { isRole, isServerRole, type Role, type ServerRole } from "@/lib/auth/permissions";
import { store } from "./db";

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,62}$/;

export interface StoredUser {
  id: number;
  name: string;
  defaultRole: Role;
  overrides: Record<string, ServerRole>;
  disabled: boolean;
}

const USER_COLUMNS = /* sql */ `
  u.id, u.name, u.default_role, u.disabled,
  COALESCE((SELECT jsonb_object_agg(r.server, r.role) FROM user_server_roles r WHERE r.user_id = u.id), '{}') AS overrides`;

const USER_BY_NAME = /* sql */ `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE lower(u.name) = lower($1)`;
const ALL_USERS = /* sql */ `SELECT ${USER_COLUMNS} FROM users u ORDER BY lower(u.name)`;
const INSERT_USER = /* sql */ `
  INSERT INTO users (name, password_hash, default_role) VALUES ($1, $2, $3) RETURNING id`;
const SET_DEFAULT_ROLE = /* sql */ `UPDATE users SET default_role = $2 WHERE lower(name) = lower($1) RETURNING id`;
const SET_SERVER_ROLE = /* sql */ `
  INSERT INTO user_server_roles (user_id, server, role)
  SELECT id, $2, $3 FROM users WHERE lower(name) = lower($1)
  ON CONFLICT (user_id, server) DO UPDATE SET role = EXCLUDED.role
  RETURNING user_id`;
const CLEAR_SERVER_ROLE = /* sql */ `
  DELETE FROM user_server_roles r USING users u
   WHERE r.user_id = u.id AND lower(u.name) = lower($1) AND r.server = $2`;
// Disabling and password changes end every session at once (in the same transaction).
const SET_DISABLED = /* sql */ `
  WITH u AS (UPDATE users SET disabled = $2 WHERE lower(name) = lower($1) RETURNING id),
       s AS (DELETE FROM sessions WHERE user_id IN (SELECT id FROM u) AND $2)
  SELECT id FROM u`;
const SET_PASSWORD = /* sql */ `
  WITH u AS (UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1 RETURNING id),
       s AS (DELETE FROM sessions WHERE user_id IN (SELECT id FROM u))
  SELECT id FROM u`;

type Row = { id: number; name: string; default_role: string; disabled: boolean; overrides: Record<string, string> };

function toUser(r: Row): StoredUser {
  const overrides: Record<string, ServerRole> = {};
  for (const [server, role] of Object.entries(r.overrides ?? {})) if (isServerRole(role)) overrides[server] = role;
  return { id: Number(r.id), name: r.name, defaultRole: isRole(r.default_role) ? r.default_role : "viewer", overrides, disabled: r.disabled };
}

export class UserError extends Error {}

export function checkUserName(name: string): void {
  if (!USER_NAME.test(name)) throw new UserError("User names are 1–63 letters, digits, '.', '_', '@' or '-'.");
}

export async function userWithHash(name: string): Promise<(StoredUser & { passwordHash: string }) | undefined> {
  if (!USER_NAME.test(name)) return undefined;
  const { rows } = await (await store()).query(USER_BY_NAME, [name]);
  const r = rows[0];
  return r ? { ...toUser(r), passwordHash: r.password_hash } : undefined;
}

export async function findUser(name: string): Promise<StoredUser | undefined> {
  const u = await userWithHash(name);
  if (!u) return undefined;
  const { passwordHash: _hash, ...user } = u;
  return user;
}

export async function listUsers(): Promise<StoredUser[]> {
  const { rows } = await (await store()).query(ALL_USERS);
  return rows.map(toUser);
}

export async function createUser(name: string, password: string, role: Role): Promise<number> {
  checkUserName(name);
  const problem = await passwordProblem(password, name);
  if (problem) throw new UserError(`Password refused: ${problem}.`);
  try {
    const { rows } = await (await store()).query(INSERT_USER, [name, await hashPassword(password), role]);
    return Number(rows[0].id);
  } catch (err) {
    if ((err as { code?: string }).code === "23505") throw new UserError(`A user named ${name} already exists.`);
    throw err;
  }
}

/**
 * For the demo: a user with a random password, returned once so the launcher can print it.
 * Re-running the demo on a kept store resets that user's password (and ends its sessions).
 */
export async function createUserWithRandomPassword(name: string, role: Role): Promise<{ name: string; password: string }> {
  const password = randomPassword();
  const existing = await findUser(name);
  if (existing) {
    await setPassword(existing.id, existing.name, password);
    await setRole(existing.name, role);
    await setDisabled(existing.name, false);
    return { name: existing.name, password };
  }
  await createUser(name, password, role);
  return { name, password };
}

function mustMatch(rows: unknown[], name: string) {
  if (!rows.length) throw new UserError(`No user named ${name}.`);
}

/** server undefined: the default role; role null: remove the server's override; "none" hides the server. */
export async function setRole(name: string, role: ServerRole | null, server?: string): Promise<void> {
  const db = await store();
  if (server === undefined) {
    if (!role) throw new UserError("A default role is required.");
    if (!isRole(role)) throw new UserError(`"${role}" is only a per-server role (--server ID): the default role is viewer, operator or admin.`);
    mustMatch((await db.query(SET_DEFAULT_ROLE, [name, role])).rows, name);
  } else if (role) {
    mustMatch((await db.query(SET_SERVER_ROLE, [name, server, role])).rows, name);
  } else {
    await db.query(CLEAR_SERVER_ROLE, [name, server]);
  }
}

export async function setDisabled(name: string, disabled: boolean): Promise<void> {
  mustMatch((await (await store()).query(SET_DISABLED, [name, disabled])).rows, name);
}

/** Sets a new password and ends every session of the user (callers issue a fresh one if needed). */
export async function setPassword(userId: number, userName: string, password: string): Promise<void> {
  const problem = await passwordProblem(password, userName);
  if (problem) throw new UserError(`Password refused: ${problem}.`);
  const { rows } = await (await store()).query(SET_PASSWORD, [userId, await hashPassword(password)]);
  mustMatch(rows, userName);
}
