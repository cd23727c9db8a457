import { handler } from "@/lib/api/handler";
import { exactBloatFor } from "@/lib/pg/bloat";
import { ServerParams } from "@/lib/schemas/common";
import { ExactBloatQuery, ExactBloatResponse } from "@/lib/schemas/storage";

export const dynamic = "force-dynamic";

// pgstattuple reads the whole relation: only on an explicit request, for one relation at a time.
export const GET = handler(
  { permission: "read", params: ServerParams, query: ExactBloatQuery, response: ExactBloatResponse },
  ({ params, query }) => exactBloatFor(params.server, query),
);
