import { explainAction } from "@/lib/actions/explain";
import { handler } from "@/lib/api/handler";
import { ExplainRequest, ExplainResponse, QueryIdParams } from "@/lib/schemas/statements";

export const dynamic = "force-dynamic";

// Admin only ("explain"), audited; ANALYZE only for one plain SELECT, read-only, with a timeout.
export const POST = handler(
  { permission: "explain", audit: "explain", params: QueryIdParams, body: ExplainRequest, response: ExplainResponse },
  ({ params, body, audit }) => explainAction(params.server, params.queryid, body, audit),
);
