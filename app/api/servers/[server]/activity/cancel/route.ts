import { signalSessionsOnce } from "@/lib/actions/signal";
import { handler } from "@/lib/api/handler";
import { ServerParams } from "@/lib/schemas/common";
import { actionAuditor } from "@/lib/store/audit";
import { CancelRequest, SignalResponse } from "@/lib/schemas/signals";

export const dynamic = "force-dynamic";

export const POST = handler(
  { permission: "cancel", audit: "cancel", params: ServerParams, body: CancelRequest, response: SignalResponse },
  ({ params, body, user, audit }) =>
    signalSessionsOnce(user.id, { server: params.server }, { ...body, kind: "cancel" }, actionAuditor(audit)),
);
