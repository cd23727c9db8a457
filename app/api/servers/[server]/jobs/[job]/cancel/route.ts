import { handler } from "@/lib/api/handler";
import { cancelJob } from "@/lib/jobs/cancel";
import { CancelJobResponse, JobParams } from "@/lib/schemas/jobs";

export const dynamic = "force-dynamic";

// "cancel" lets a role reach this route; cancelJob then checks the permission the job's own
// command needs (VACUUM FULL → vacuum_full, admin only).
export const POST = handler(
  { permission: "cancel", audit: "cancel_job", params: JobParams, response: CancelJobResponse },
  ({ params, request, audit }) => cancelJob(params.server, params.job, audit, new URL(request.url).pathname),
);
