import "server-only";
import { servers } from "@/lib/config/servers";
import type { SessionUser } from "@/lib/store/sessions";
import { permissionsOf, visibleRole } from "./permissions";

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
