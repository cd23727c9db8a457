import "server-only";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { findPgbouncer, findServer } from "@/lib/config/servers";
import { sessionUser, type SessionUser } from "@/lib/store/sessions";
import { cookieName, isSecureContext, verifiedToken } from "./cookie";
import { can, visibleRole, type Permission } from "./permissions";

// For server components: the same session check as the API, for pages. The session always comes
// first: before it, every page answers the same redirect, whatever the URL names (no probing of
// server ids before sign-in).

export async function currentUser(): Promise<SessionUser | undefined> {
  // Only the cookie name that matches the deployment counts (no plain-http cookie on an https console).
  const value = (await cookies()).get(cookieName(isSecureContext()))?.value;
  const token = verifiedToken(value);
  return token ? sessionUser(token) : undefined;
}

/** The signed-in user, or a redirect to /login; with a permission (console-wide), a redirect home when lacking it. */
export async function requirePageUser(permission?: Permission): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  if (permission && !can(user, undefined, permission)) redirect("/");
  return user;
}

/**
 * A page of one server: signed in first, then the server must exist AND be visible to the user
 * (a hidden one is a 404 exactly like an unknown id), then the permission (else home).
 */
export async function requireServerPageUser(server: string, permission: Permission = "read", kind: "postgres" | "pgbouncer" = "postgres"): Promise<SessionUser> {
  const user = await requirePageUser();
  const known = kind === "pgbouncer" ? findPgbouncer(server) : findServer(server);
  if (!known || !visibleRole(user, server)) notFound();
  if (!can(user, server, permission)) redirect("/");
  return user;
}
