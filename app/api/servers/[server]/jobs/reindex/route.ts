import { handler } from "@/lib/api/handler";
import { queueJobs } from "@/lib/jobs/queue";
import { ServerParams } from "@/lib/schemas/common";
import { CreateJobsResponse, ReindexJobsRequest } from "@/lib/schemas/jobs";
import { DatabaseQuery } from "@/lib/schemas/servers";

export const dynamic = "force-dynamic";

export const POST = handler(
  { permission: "reindex", audit: "reindex", params: ServerParams, query: DatabaseQuery, body: ReindexJobsRequest, response: CreateJobsResponse },
  ({ params, query, body, audit }) => queueJobs(params.server, query.db, body, audit),
);
