import { handler } from "@/lib/api/handler";
import { spacePage } from "@/lib/pg/space";
import { ServerParams } from "@/lib/schemas/common";
import { SpaceQuery, SpaceResponse } from "@/lib/schemas/storage";

export const dynamic = "force-dynamic";

export const GET = handler(
  { permission: "read", params: ServerParams, query: SpaceQuery, response: SpaceResponse },
  ({ params, query }) => spacePage(params.server, query),
);
