import { handler } from "@/lib/api/handler";
import { metricSeries } from "@/lib/monitoring/series";
import { ServerParams } from "@/lib/schemas/common";
import { MetricsQuery, MetricsResponse } from "@/lib/schemas/metrics";

export const dynamic = "force-dynamic";

// History from the console's store (the sampler's points): no query reaches the monitored server.
export const GET = handler(
  { permission: "read", params: ServerParams, query: MetricsQuery, response: MetricsResponse },
  ({ params, query }) => metricSeries(params.server, query),
);
