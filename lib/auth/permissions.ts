// What each role may do on a server. Deny by default: an action missing here is refused.
// Shared by the server (enforcement) and the browser (hiding/disabling buttons).

export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];
/** Per-server overrides may also be "none": the server is hidden from the user (as if unknown). */
export const SERVER_ROLES = ["none", ...ROLES] as const;
export type ServerRole = (typeof SERVER_ROLES)[number];

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

const GRANTS: Record<ServerRole, readonly Permission[]> = {
  none: [],
  viewer: ["read"],
  operator: ["read", "cancel", "terminate", "vacuum", "analyze", "reindex", "bloat_exact"],
  admin: PERMISSIONS,
};

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

export function isServerRole(value: unknown): value is ServerRole {
  return typeof value === "string" && (SERVER_ROLES as readonly string[]).includes(value);
}

export function roleAllows(role: ServerRole | undefined, permission: Permission): boolean {
  return role !== undefined && Object.hasOwn(GRANTS, role) && GRANTS[role].includes(permission);
}

export function permissionsOf(role: ServerRole): Permission[] {
  return [...GRANTS[role]];
}

/** A user's default role plus per-server overrides (which may raise or lower it). */
export interface RoleAssignment {
  defaultRole: Role;
  overrides: Record<string, ServerRole>;
}

/**
 * The role that applies on `server`. Without a server (console-wide routes such as the audit
 * log or user admin) only the default role counts: an admin override on one server does not
 * make someone an admin of the console.
 */
export function effectiveRole(a: RoleAssignment, server?: string): ServerRole {
  if (server !== undefined && Object.hasOwn(a.overrides, server)) return a.overrides[server]!;
  return a.defaultRole;
}

/** The role on a server the user may see, or undefined when it is hidden from them ("none"). */
export function visibleRole(a: RoleAssignment, server: string): Role | undefined {
  const role = effectiveRole(a, server);
  return role === "none" ? undefined : role;
}

export function can(a: RoleAssignment, server: string | undefined, permission: Permission): boolean {
  return roleAllows(effectiveRole(a, server), permission);
}
