import { intParam, optionalText } from "./common";
import { z } from "./zod";

// The fleet page's URL state: a DBA shares "the fleet sorted by worst finding, only what is down".

export const FLEET_SORTS = ["severity", "name", "connections", "tps", "cache_hit", "longest_xact", "lag"] as const;
export const FleetPageQuery = z.object({
  q: optionalText(200),
  status: z.enum(["up", "down", "stale", "unknown", "problem"]).optional(),
  sort: z.enum(FLEET_SORTS).default("severity"),
  offset: intParam(0, 100_000, 0),
});
export type FleetPageQuery = z.infer<typeof FleetPageQuery>;
