import { signalSessionsOnce } from "@/lib/actions/signal";
import { handler } from "@/lib/api/handler";
import { ServerParams } from "@/lib/schemas/common";
import { auditorFor } from "@/lib/store/audit";
import { TerminateRequest, SignalResponse } from "@/lib/schemas/signals";

export const dynamic = "force-dynamic";

export const POST = handler(
  { permission: "terminate", params: ServerParams, body: TerminateRequest, response: SignalResponse },
  ({ params, body, user, role, client }) =>
    signalSessionsOnce(user.id, { server: params.server }, { ...body, kind: "terminate" }, auditorFor({ user, role, server: params.server, client })),
);
