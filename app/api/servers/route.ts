import { handler } from "@/lib/api/handler";
import { serverList } from "@/lib/auth/me";
import { ServersResponse } from "@/lib/schemas/servers";

export const dynamic = "force-dynamic";

export const GET = handler({ permission: "read", response: ServersResponse }, async ({ user }) => serverList(user));
