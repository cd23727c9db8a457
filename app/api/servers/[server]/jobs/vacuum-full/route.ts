import { handler } from "@/lib/api/handler";
import { queueJobs } from "@/lib/jobs/queue";
import { vacuumFullPreview } from "@/lib/jobs/read";
import { ServerParams } from "@/lib/schemas/common";
import { CreateJobsResponse, RelationUsersQuery, RelationUsersResponse, VacuumFullJobsRequest } from "@/lib/schemas/jobs";
import { DatabaseQuery } from "@/lib/schemas/servers";

export const dynamic = "force-dynamic";

/** Before confirming: the sessions using the table now, which the ACCESS EXCLUSIVE lock would collide with. */
export const GET = handler(
  { permission: "read", params: ServerParams, query: RelationUsersQuery, response: RelationUsersResponse },
  ({ params, query, role }) => vacuumFullPreview(params.server, query.db, query.relid, role),
);

/** Admin only; the body carries the typed confirmation (checked here, not only in the dialog). */
export const POST = handler(
  { permission: "vacuum_full", audit: "vacuum_full", params: ServerParams, query: DatabaseQuery, body: VacuumFullJobsRequest, response: CreateJobsResponse },
  ({ params, query, body, audit }) => queueJobs(params.server, query.db, body, audit),
);
