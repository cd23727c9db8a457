import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { sessionUser, type SessionUser } from "@/lib/store/sessions";
import { cookieName, isSecureContext, verifiedToken } from "./cookie";
import { can, type Permission } from "./permissions";

// For server components: the same session check as the API, for pages.

export async function currentUser(): Promise<SessionUser | undefined> {
  // Only the cookie name that matches the deployment counts (no plain-http cookie on an https console).
  const value = (await cookies()).get(cookieName(isSecureContext()))?.value;
  const token = verifiedToken(value);
  return token ? sessionUser(token) : undefined;
}

/** The signed-in user, or a redirect to /login; with a permission, a redirect home when lacking it. */
export async function requirePageUser(permission?: Permission, server?: string): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  if (permission && !can(user, server, permission)) redirect("/");
  return user;
}
