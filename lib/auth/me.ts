import "server-only";
import { findServer, pgbouncers, servers } from "@/lib/config/servers";
import type { SessionUser } from "@/lib/store/sessions";
import { permissionsOf, visibleRole, type Role } from "./permissions";

/** The servers this user may see (role "none" hides one), with the role and permissions on each. */
export function visibleServers(user: SessionUser) {
  return servers().flatMap(({ id, name }) => {
    const role = visibleRole(user, id);
    return role ? [{ id, name, role, permissions: permissionsOf(role) }] : [];
  });
}

/** The signed-in user with the role and permissions that apply on each server they may see. */
export function whoAmI(user: SessionUser) {
  return {
    user: { id: user.id, name: user.name, defaultRole: user.defaultRole },
    servers: visibleServers(user),
  };
}

/** GET /api/me: who I am, on each server and on the console itself. */
export function mePage(user: SessionUser, consoleRole: Role) {
  return { ...whoAmI(user), consolePermissions: permissionsOf(consoleRole) };
}

/**
 * GET /api/servers. Only ids and display names leave the server: never URLs, hosts or passwords.
 * Servers (and PgBouncers) hidden from this user (role "none") are not listed at all, nor linked to.
 */
export function serverList(user: SessionUser) {
  const visible = (id: string) => visibleRole(user, id) !== undefined;
  return {
    servers: [
      ...visibleServers(user).map(({ id, name }) => {
        const pgbouncer = findServer(id)?.pgbouncer;
        return { id, name, kind: "postgres" as const, pgbouncer: pgbouncer && visible(pgbouncer) ? pgbouncer : null };
      }),
      ...pgbouncers()
        .filter(({ id }) => visible(id))
        .map(({ id, name }) => ({ id, name, kind: "pgbouncer" as const, pgbouncer: null })),
    ],
  };
}
