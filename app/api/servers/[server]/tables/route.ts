import { handler } from "@/lib/api/handler";
import { tablesPage } from "@/lib/pg/tables";
import { ServerParams } from "@/lib/schemas/common";
import { TablesQuery, TablesResponse } from "@/lib/schemas/storage";

export const dynamic = "force-dynamic";

export const GET = handler(
  { permission: "read", params: ServerParams, query: TablesQuery, response: TablesResponse },
  // Cold, like the first view: one page measured alone (sizesPending, ≤ the plain sizing query at
  // 10,000 tables) while the snapshot is computed once in the background — never "still computing".
  ({ params, query }) => tablesPage(params.server, query, { provisional: true }),
);
