import { handler } from "@/lib/api/handler";
import { visibleServers } from "@/lib/auth/me";
import { visibleRole } from "@/lib/auth/permissions";
import { findServer, pgbouncers } from "@/lib/config/servers";
import { ServersResponse } from "@/lib/schemas/servers";

export const dynamic = "force-dynamic";

// Only ids and display names leave the server: never URLs, hosts or passwords. Servers (and
// PgBouncers) hidden from this user (role "none") are not listed at all, nor linked to.
export const GET = handler({ permission: "read", response: ServersResponse }, async ({ user }) => {
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
});
