import { handler } from "@/lib/api/handler";
import { serverInfo } from "@/lib/pg/server-facts";
import { ServerParams } from "@/lib/schemas/common";
import { ServerInfoResponse } from "@/lib/schemas/server-info";

export const dynamic = "force-dynamic";

export const GET = handler({ permission: "read", params: ServerParams, response: ServerInfoResponse }, ({ params }) =>
  serverInfo(params.server),
);
