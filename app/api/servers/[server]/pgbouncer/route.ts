import { handler } from "@/lib/api/handler";
import { pgbouncerStatus } from "@/lib/pg/pgbouncer";
import { ServerParams } from "@/lib/schemas/common";
import { PgbouncerResponse } from "@/lib/schemas/pgbouncer";

export const dynamic = "force-dynamic";

/** SHOW POOLS, STATS and DATABASES with findings and pool sizing advice. */
export const GET = handler({ permission: "read", serverKind: "pgbouncer", params: ServerParams, response: PgbouncerResponse }, ({ params }) =>
  pgbouncerStatus(params.server),
);
