// What each role may do on a server. Deny by default: an action missing here is refused.
// Shared by the server (enforcement) and the browser (hiding/disabling buttons).

export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  "read",
  "cancel",
  "terminate",
  "vacuum",
  "analyze",
  "reindex",
  /** exact bloat: a queued pgstattuple read of a whole relation */
  "bloat_exact",
  "vacuum_full",
  "stats_reset",
  "explain",
  "admin",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  viewer: ["read"],
  operator: ["read", "cancel", "terminate", "vacuum", "analyze", "reindex", "bloat_exact"],
  admin: PERMISSIONS,
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function roleAllows(role: Role | undefined, permission: Permission): boolean {
  return role !== undefined && Object.hasOwn(GRANTS, role) && GRANTS[role].includes(permission);
}

export function permissionsOf(role: Role): Permission[] {
  return [...GRANTS[role]];
}

/** A user's default role plus per-server overrides (which may raise or lower it). */
export interface RoleAssignment {
  defaultRole: Role;
  overrides: Record<string, Role>;
}

/**
 * The role that applies on `server`. Without a server (console-wide routes such as the audit
 * log or user admin) only the default role counts: an admin override on one server does not
 * make someone an admin of the console.
 */
export function effectiveRole(a: RoleAssignment, server?: string): Role {
  if (server !== undefined && Object.hasOwn(a.overrides, server)) return a.overrides[server]!;
  return a.defaultRole;
}

export function can(a: RoleAssignment, server: string | undefined, permission: Permission): boolean {
  return roleAllows(effectiveRole(a, server), permission);
}
