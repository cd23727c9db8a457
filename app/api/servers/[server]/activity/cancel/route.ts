import { signalSessions } from "@/lib/actions/signal";
import { handler } from "@/lib/api/handler";
import { ServerParams } from "@/lib/schemas/common";
import { CancelRequest, SignalResponse } from "@/lib/schemas/signals";

export const dynamic = "force-dynamic";

export const POST = handler(
  { permission: "cancel", params: ServerParams, body: CancelRequest, response: SignalResponse },
  ({ params, body }) => signalSessions({ server: params.server }, { ...body, kind: "cancel" }),
);
