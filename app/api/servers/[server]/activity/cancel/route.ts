import { signalSessionsOnce } from "@/lib/actions/signal";
import { handler } from "@/lib/api/handler";
import { ServerParams } from "@/lib/schemas/common";
import { auditorFor } from "@/lib/store/audit";
import { CancelRequest, SignalResponse } from "@/lib/schemas/signals";

export const dynamic = "force-dynamic";

export const POST = handler(
  { permission: "cancel", params: ServerParams, body: CancelRequest, response: SignalResponse },
  ({ params, body, user, role, client }) =>
    signalSessionsOnce(user.id, { server: params.server }, { ...body, kind: "cancel" }, auditorFor({ user, role, server: params.server, client })),
);
