import { handler } from "@/lib/api/handler";
import { topQueries } from "@/lib/pg/statements-view";
import { ServerParams } from "@/lib/schemas/common";
import { StatementsQuery, StatementsResponse } from "@/lib/schemas/statements";

export const dynamic = "force-dynamic";

// Top statements of a window, from the sampler's pg_stat_statements deltas in the store.
export const GET = handler(
  { permission: "read", params: ServerParams, query: StatementsQuery, response: StatementsResponse },
  ({ params, query, role }) => topQueries(params.server, query, role),
);
