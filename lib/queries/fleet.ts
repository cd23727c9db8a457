"use client";
// Client data for the fleet overview: the cards' hook and the page's URL state (filter, sort, page).
import { FLEET_URL, fetchFleet, fleetKey, METRICS_POLL_MS } from "./metrics";
import { usePolled } from "./use-polled";

export { FLEET_URL, fleetKey };

/** The cards come from the store's newest samples: polling faster than the sampler repeats them. */
export function useFleet() {
  return usePolled(fleetKey(), fetchFleet, { intervalMs: METRICS_POLL_MS });
}
