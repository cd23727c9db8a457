import "server-only";
import { env } from "@/lib/config/env";
import { healthReport } from "@/lib/pg/health/report";
import type { HealthResponse } from "@/lib/schemas/health";
import { lastHealthTimes } from "@/lib/store/health-latest";
import type { Collector } from "../collector";

// Every health check on the server's default database, every PGWARDEN_HEALTH_INTERVAL_S, by the
// replica holding the server's lease: the fleet cards' worst finding is then known for servers
// nobody has opened, and is the same on every replica.
export const healthCollector: Collector<HealthResponse> = {
  name: "health",
  intervalS: () => env().PGWARDEN_HEALTH_INTERVAL_S || 86_400,
  appliesTo: () => env().PGWARDEN_HEALTH_INTERVAL_S > 0,
  // A replica taking 200 servers over would otherwise start 200 catalog-heavy runs at once.
  maxConcurrent: 2,
  read: (server) => healthReport(server.id, undefined),
  // healthReport() saved the run already: page views' runs count the same way, and a run shared
  // with a page view through the cache is saved once.
  store: async () => {},
  lastRunTimes: (servers) => lastHealthTimes(servers),
};
