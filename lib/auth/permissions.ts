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
  "vacuum_full",
  "stats_reset",
  "explain",
  "admin",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  viewer: ["read"],
  operator: ["read", "cancel", "terminate", "vacuum", "analyze", "reindex"],
  admin: PERMISSIONS,
};

export function roleAllows(role: Role | undefined, permission: Permission): boolean {
  return role !== undefined && GRANTS[role].includes(permission);
}
