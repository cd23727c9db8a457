import { handler } from "@/lib/api/handler";
import { databasesPage } from "@/lib/pg/databases";
import { ServerParams } from "@/lib/schemas/common";
import { DatabasesResponse } from "@/lib/schemas/servers";

export const dynamic = "force-dynamic";

export const GET = handler({ permission: "read", params: ServerParams, response: DatabasesResponse }, ({ params }) => databasesPage(params.server));
