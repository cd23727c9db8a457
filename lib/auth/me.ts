import "server-only";
import { servers } from "@/lib/config/servers";
import type { SessionUser } from "@/lib/store/sessions";
import { effectiveRole, permissionsOf } from "./permissions";

/** The signed-in user with the role and permissions that apply on each configured server. */
export function whoAmI(user: SessionUser) {
  return {
    user: { id: user.id, name: user.name, defaultRole: user.defaultRole },
    servers: servers().map(({ id, name }) => {
      const role = effectiveRole(user, id);
      return { id, name, role, permissions: permissionsOf(role) };
    }),
  };
}
