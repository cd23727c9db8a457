import { FleetResponse, MetricsResponse, type MetricsQuery } from "@/lib/schemas/metrics";
import { fetchJson } from "./fetch-json";
import { usePolled } from "./use-polled";

// Client side of the monitoring routes (the fleet cards and the server overview's charts):
// key factory, URL builders and fetchers; pages poll them with usePolled.

/** Charts change once per sample: polling faster than the sampler only repeats the answer. */
export const METRICS_POLL_MS = 15_000;

export function metricsUrl(server: string, q: MetricsQuery): string {
  const sp = new URLSearchParams({ range: q.range });
  if (q.db) sp.set("db", q.db);
  return `/api/servers/${encodeURIComponent(server)}/metrics?${sp.toString()}`;
}

export const metricsKey = (server: string, q: MetricsQuery) => ["metrics", server, q.range, q.db ?? null] as const;

export function fetchMetrics(server: string, q: MetricsQuery) {
  return fetchJson(metricsUrl(server, q), MetricsResponse);
}

export const FLEET_URL = "/api/fleet";
export const fleetKey = () => ["fleet"] as const;

export function fetchFleet() {
  return fetchJson(FLEET_URL, FleetResponse);
}

/** The server overview's charts, polled once per sample. */
export function useMetrics(server: string, q: MetricsQuery) {
  return usePolled(metricsKey(server, q), () => fetchMetrics(server, q), { intervalMs: METRICS_POLL_MS });
}
