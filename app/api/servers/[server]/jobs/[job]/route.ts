import { handler } from "@/lib/api/handler";
import { serverJob } from "@/lib/jobs/read";
import { JobParams, JobResponse } from "@/lib/schemas/jobs";

export const dynamic = "force-dynamic";

/** One job with its live progress (phase, blocks done/total, %, elapsed) while it runs. */
export const GET = handler({ permission: "read", params: JobParams, response: JobResponse }, ({ params }) => serverJob(params.server, params.job));
