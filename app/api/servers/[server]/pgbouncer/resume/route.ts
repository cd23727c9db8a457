import { bouncerAction } from "@/lib/actions/pgbouncer";
import { handler } from "@/lib/api/handler";
import { ServerParams } from "@/lib/schemas/common";
import { BouncerActionResponse, bouncerActionRequest } from "@/lib/schemas/pgbouncer";

export const dynamic = "force-dynamic";

/** Admin only (it stops or disturbs every client of the database); typed confirmation `resume <database>`. */
export const POST = handler(
  { permission: "admin", audit: "pgbouncer_resume", serverKind: "pgbouncer", params: ServerParams, body: bouncerActionRequest("resume"), response: BouncerActionResponse },
  ({ params, body, audit }) => bouncerAction(params.server, "resume", body, audit),
);
