import { handler } from "@/lib/api/handler";
import { pgbouncers, servers } from "@/lib/config/servers";
import { ServersResponse } from "@/lib/schemas/servers";

export const dynamic = "force-dynamic";

// Only ids and display names leave the server: never URLs, hosts or passwords.
export const GET = handler({ permission: "read", response: ServersResponse }, async () => ({
  servers: [
    ...servers().map(({ id, name, pgbouncer }) => ({ id, name, kind: "postgres" as const, pgbouncer: pgbouncer ?? null })),
    ...pgbouncers().map(({ id, name }) => ({ id, name, kind: "pgbouncer" as const, pgbouncer: null })),
  ],
}));
