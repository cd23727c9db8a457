import { handler } from "@/lib/api/handler";
import { bloatPage } from "@/lib/pg/bloat";
import { ServerParams } from "@/lib/schemas/common";
import { BloatQuery, BloatResponse } from "@/lib/schemas/storage";

export const dynamic = "force-dynamic";

export const GET = handler(
  { permission: "read", params: ServerParams, query: BloatQuery, response: BloatResponse },
  ({ params, query }) => bloatPage(params.server, query),
);
