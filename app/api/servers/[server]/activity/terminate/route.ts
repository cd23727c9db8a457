import { signalSessionsOnce } from "@/lib/actions/signal";
import { handler } from "@/lib/api/handler";
import { ServerParams } from "@/lib/schemas/common";
import { actionAuditor } from "@/lib/store/audit";
import { TerminateRequest, SignalResponse } from "@/lib/schemas/signals";

export const dynamic = "force-dynamic";

export const POST = handler(
  { permission: "terminate", audit: "terminate", params: ServerParams, body: TerminateRequest, response: SignalResponse },
  ({ params, body, user, audit }) =>
    signalSessionsOnce(user.id, { server: params.server }, { ...body, kind: "terminate" }, actionAuditor(audit)),
);
