import { handler } from "@/lib/api/handler";
import { serverDatabases } from "@/lib/pg/databases";
import { ServerParams } from "@/lib/schemas/common";
import { DatabasesResponse } from "@/lib/schemas/servers";

export const dynamic = "force-dynamic";

export const GET = handler({ permission: "read", params: ServerParams, response: DatabasesResponse }, async ({ params }) => ({
  databases: await serverDatabases(params.server),
  readAt: Date.now(),
}));
