import { handler } from "@/lib/api/handler";
import { statementDetail } from "@/lib/pg/statements-view";
import { QueryIdParams, StatementDetail, StatementHistoryQuery } from "@/lib/schemas/statements";

export const dynamic = "force-dynamic";

// One statement: its text (as the caller's role may see it), history per interval, tables read.
export const GET = handler(
  { permission: "read", params: QueryIdParams, query: StatementHistoryQuery, response: StatementDetail },
  ({ params, query, role }) => statementDetail(params.server, params.queryid, query, role),
);
