import { handler } from "@/lib/api/handler";
import { serverJobs } from "@/lib/jobs/read";
import { ServerParams } from "@/lib/schemas/common";
import { JobsQuery, JobsResponse } from "@/lib/schemas/jobs";

export const dynamic = "force-dynamic";

// Queueing is one POST route per permission (vacuum/, analyze/, reindex/, vacuum-full/): the
// handler checks a route's permission before it reads the body.
export const GET = handler(
  { permission: "read", params: ServerParams, query: JobsQuery, response: JobsResponse },
  ({ params, query }) => serverJobs(params.server, query),
);
