import { handler } from "@/lib/api/handler";
import { queueJobs } from "@/lib/jobs/queue";
import { ServerParams } from "@/lib/schemas/common";
import { CreateJobsResponse, AnalyzeJobsRequest } from "@/lib/schemas/jobs";
import { DatabaseQuery } from "@/lib/schemas/servers";

export const dynamic = "force-dynamic";

export const POST = handler(
  { permission: "analyze", params: ServerParams, query: DatabaseQuery, body: AnalyzeJobsRequest, response: CreateJobsResponse },
  ({ params, query, body, user, role, client }) => queueJobs(params.server, query.db, body, { user, role, client }),
);
