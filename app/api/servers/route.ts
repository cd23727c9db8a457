import { handler } from "@/lib/api/handler";
import { visibleServers } from "@/lib/auth/me";
import { ServersResponse } from "@/lib/schemas/servers";

export const dynamic = "force-dynamic";

// Only ids and display names leave the server: never URLs, hosts or passwords. Servers hidden
// from this user (role "none") are not listed at all.
export const GET = handler({ permission: "read", response: ServersResponse }, async ({ user }) => ({
  servers: visibleServers(user).map(({ id, name }) => ({ id, name })),
}));
