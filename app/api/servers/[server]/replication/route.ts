import { handler } from "@/lib/api/handler";
import { replicationStatus } from "@/lib/pg/replication";
import { ServerParams } from "@/lib/schemas/common";
import { ReplicationResponse } from "@/lib/schemas/replication";

export const dynamic = "force-dynamic";

/** Standbys, slots (with findings), and on a standby its WAL receiver and replay state. */
export const GET = handler({ permission: "read", params: ServerParams, response: ReplicationResponse }, ({ params }) =>
  replicationStatus(params.server),
);
