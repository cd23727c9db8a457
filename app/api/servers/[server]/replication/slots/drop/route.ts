import { dropSlot } from "@/lib/actions/drop-slot";
import { handler } from "@/lib/api/handler";
import { ServerParams } from "@/lib/schemas/common";
import { DropSlotRequest, DropSlotResponse } from "@/lib/schemas/replication";

export const dynamic = "force-dynamic";

/**
 * Admin only: a dropped slot cannot be re-created for its consumer (the WAL it needed is gone).
 * The body carries the typed confirmation `drop <slot name>`, checked here, not only in the dialog.
 */
export const POST = handler(
  { permission: "admin", audit: "drop_slot", params: ServerParams, body: DropSlotRequest, response: DropSlotResponse },
  ({ params, body, audit }) => dropSlot(params.server, body, audit),
);
