import { handler } from "@/lib/api/handler";
import { queueJobs } from "@/lib/jobs/queue";
import { ServerParams } from "@/lib/schemas/common";
import { CreateJobsResponse, AnalyzeJobsRequest } from "@/lib/schemas/jobs";
import { DatabaseQuery } from "@/lib/schemas/servers";

export const dynamic = "force-dynamic";

export const POST = handler(
  { permission: "analyze", audit: "analyze", params: ServerParams, query: DatabaseQuery, body: AnalyzeJobsRequest, response: CreateJobsResponse },
  ({ params, query, body, audit }) => queueJobs(params.server, query.db, body, audit),
);
