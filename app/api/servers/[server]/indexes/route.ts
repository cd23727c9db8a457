import { handler } from "@/lib/api/handler";
import { indexesPage } from "@/lib/pg/indexes";
import { ServerParams } from "@/lib/schemas/common";
import { IndexesQuery, IndexesResponse } from "@/lib/schemas/storage";

export const dynamic = "force-dynamic";

export const GET = handler(
  { permission: "read", params: ServerParams, query: IndexesQuery, response: IndexesResponse },
  ({ params, query }) => indexesPage(params.server, query),
);
