import { handler } from "@/lib/api/handler";
import { cancelJob } from "@/lib/jobs/cancel";
import { CancelJobResponse, JobParams } from "@/lib/schemas/jobs";

export const dynamic = "force-dynamic";

export const POST = handler(
  { permission: "cancel", params: JobParams, response: CancelJobResponse },
  ({ params, user, role, client }) => cancelJob(params.server, params.job, { user, role, client }),
);
