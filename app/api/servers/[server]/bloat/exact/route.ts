import { handler } from "@/lib/api/handler";
import { queueExactBloat } from "@/lib/jobs/queue";
import { exactBloatStatus } from "@/lib/jobs/read";
import { ServerParams } from "@/lib/schemas/common";
import { CreateJobsResponse, ExactBloatJobRequest, ExactBloatJobsResponse } from "@/lib/schemas/jobs";
import { DatabaseQuery } from "@/lib/schemas/servers";
import { ExactBloatQuery } from "@/lib/schemas/storage";

export const dynamic = "force-dynamic";

/** The latest exact figures of a relation and a read queued or running now (readable by viewers). */
export const GET = handler(
  { permission: "read", params: ServerParams, query: ExactBloatQuery, response: ExactBloatJobsResponse },
  ({ params, query }) => exactBloatStatus(params.server, query),
);

// pgstattuple reads the whole relation: operators and admins queue it as a job (one per database
// at a time, with progress and cancel), never as a direct request.
export const POST = handler(
  { permission: "bloat_exact", audit: "bloat_exact", params: ServerParams, query: DatabaseQuery, body: ExactBloatJobRequest, response: CreateJobsResponse },
  ({ params, query, body, audit }) => queueExactBloat(params.server, query.db, body, audit),
);
