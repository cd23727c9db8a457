import "server-only";
import { ApiError } from "@/lib/api/errors";
import { auditDenied } from "@/lib/store/audit";
import { sessionUser, type SessionUser } from "@/lib/store/sessions";
import { sessionTokenFrom } from "./cookie";
import { can, effectiveRole, type Permission } from "./permissions";

export type { SessionUser };

/** The signed-in user, or a 401. Identity comes only from the session cookie, never a header. */
export async function requireUser(request: Request): Promise<SessionUser> {
  const token = sessionTokenFrom(request);
  const user = token ? await sessionUser(token) : undefined;
  if (!user) throw new ApiError(401, "unauthenticated", "Sign in first.");
  return user;
}

export interface DeniedContext {
  client: string | null;
  method: string;
  path: string;
}

/**
 * The one authorization check: may `user` do `permission` on `server` (undefined = console-wide)?
 * A refusal is written to the audit log before the 403 goes out.
 */
export async function authorize(user: SessionUser, server: string | undefined, permission: Permission, ctx: DeniedContext) {
  if (can(user, server, permission)) return;
  try {
    await auditDenied(
      {
        user: { id: user.id, name: user.name },
        role: effectiveRole(user, server),
        server: server ?? null,
        action: permission,
        params: { method: ctx.method, path: ctx.path },
        client: ctx.client,
      },
      `role ${effectiveRole(user, server)} lacks ${permission}`,
    );
  } catch {
    // The refusal stands even when the store cannot record it.
    console.error("pgwarden: could not write a denied row to the audit log");
  }
  throw new ApiError(403, "forbidden", `Your role on this ${server ? "server" : "console"} does not allow this (${permission}).`);
}
