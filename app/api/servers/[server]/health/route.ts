import { handler } from "@/lib/api/handler";
import { healthReport } from "@/lib/pg/health/report";
import { ServerParams } from "@/lib/schemas/common";
import { HealthQuery, HealthResponse } from "@/lib/schemas/health";

export const dynamic = "force-dynamic";

/** Every health check on the server and one of its databases (?db=, else the default one). */
export const GET = handler({ permission: "read", params: ServerParams, query: HealthQuery, response: HealthResponse }, ({ params, query }) =>
  healthReport(params.server, query.db),
);
