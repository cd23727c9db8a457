import { handler } from "@/lib/api/handler";
import { archivingStatus } from "@/lib/pg/replication/archiving";
import { ServerParams } from "@/lib/schemas/common";
import { ArchivingResponse } from "@/lib/schemas/replication";

export const dynamic = "force-dynamic";

/** pg_stat_archiver, segments waiting, WAL per hour and base backups in progress. */
export const GET = handler({ permission: "read", params: ServerParams, response: ArchivingResponse }, ({ params }) =>
  archivingStatus(params.server),
);
