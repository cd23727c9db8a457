import { handler } from "@/lib/api/handler";
import { bouncerClients } from "@/lib/pg/pgbouncer";
import { ServerParams } from "@/lib/schemas/common";
import { BouncerConnectionsQuery, BouncerConnectionsResponse } from "@/lib/schemas/pgbouncer";

export const dynamic = "force-dynamic";

/** SHOW CLIENTS, waiting ones first; `?database=` filters. */
export const GET = handler(
  { permission: "read", serverKind: "pgbouncer", params: ServerParams, query: BouncerConnectionsQuery, response: BouncerConnectionsResponse },
  ({ params, query }) => bouncerClients(params.server, query),
);
