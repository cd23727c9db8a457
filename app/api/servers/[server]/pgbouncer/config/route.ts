import { handler } from "@/lib/api/handler";
import { bouncerConfig } from "@/lib/pg/pgbouncer";
import { ServerParams } from "@/lib/schemas/common";
import { BouncerConfigResponse } from "@/lib/schemas/pgbouncer";

export const dynamic = "force-dynamic";

export const GET = handler({ permission: "read", serverKind: "pgbouncer", params: ServerParams, response: BouncerConfigResponse }, ({ params }) =>
  bouncerConfig(params.server),
);
