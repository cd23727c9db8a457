import { handler } from "@/lib/api/handler";
import { tablesPage } from "@/lib/pg/tables";
import { ServerParams } from "@/lib/schemas/common";
import { TablesQuery, TablesResponse } from "@/lib/schemas/storage";

export const dynamic = "force-dynamic";

export const GET = handler(
  { permission: "read", params: ServerParams, query: TablesQuery, response: TablesResponse },
  ({ params, query }) => tablesPage(params.server, query),
);
