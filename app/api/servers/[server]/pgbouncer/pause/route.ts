import { bouncerAction } from "@/lib/actions/pgbouncer";
import { handler } from "@/lib/api/handler";
import { ServerParams } from "@/lib/schemas/common";
import { BouncerActionResponse, bouncerActionRequest } from "@/lib/schemas/pgbouncer";

export const dynamic = "force-dynamic";

/** Admin only (it stops or disturbs every client of the database); typed confirmation `pause <database>`. */
export const POST = handler(
  { permission: "admin", audit: "pgbouncer_pause", serverKind: "pgbouncer", params: ServerParams, body: bouncerActionRequest("pause"), response: BouncerActionResponse },
  ({ params, body, audit }) => bouncerAction(params.server, "pause", body, audit),
);
