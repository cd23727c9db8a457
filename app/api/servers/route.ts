import { handler } from "@/lib/api/handler";
import { servers } from "@/lib/config/servers";
import { ServersResponse } from "@/lib/schemas/servers";

export const dynamic = "force-dynamic";

// Only ids and display names leave the server: never URLs, hosts or passwords.
export const GET = handler({ permission: "read", response: ServersResponse }, async () => ({
  servers: servers().map(({ id, name }) => ({ id, name })),
}));
