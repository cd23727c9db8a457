import { metricsResponse } from "@/lib/monitoring/prometheus";

export const dynamic = "force-dynamic";

// Prometheus scrape endpoint: bearer token (PGWARDEN_METRICS_TOKEN), no session; 404 when unset.
export function GET(request: Request): Promise<Response> {
  return metricsResponse(request);
}
