import { handler } from "@/lib/api/handler";
import { queueJobs } from "@/lib/jobs/queue";
import { ServerParams } from "@/lib/schemas/common";
import { CreateJobsResponse, VacuumJobsRequest } from "@/lib/schemas/jobs";
import { DatabaseQuery } from "@/lib/schemas/servers";

export const dynamic = "force-dynamic";

export const POST = handler(
  { permission: "vacuum", audit: "vacuum", params: ServerParams, query: DatabaseQuery, body: VacuumJobsRequest, response: CreateJobsResponse },
  ({ params, query, body, audit }) => queueJobs(params.server, query.db, body, audit),
);
