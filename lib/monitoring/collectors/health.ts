import "server-only";
import { env } from "@/lib/config/env";
import { logFailure } from "@/lib/log";
import { serverDatabases } from "@/lib/pg/databases";
import { healthReport } from "@/lib/pg/health/report";
import { healthCheckedAt, lastHealthTimes, pruneHealth } from "@/lib/store/health-latest";
import type { Collector } from "../collector";
import { databasesToCheck } from "../health-databases";

// Every health check on the server's default database and, in turn, on the other databases the
// console may connect to (health-databases.ts), every PGWARDEN_HEALTH_INTERVAL_S, by the replica
// holding the server's lease: the fleet cards' worst finding is then known for servers (and
// databases) nobody has opened, and is the same on every replica.
export const healthCollector: Collector<string[]> = {
  name: "health",
  intervalS: () => env().PGWARDEN_HEALTH_INTERVAL_S || 86_400,
  appliesTo: () => env().PGWARDEN_HEALTH_INTERVAL_S > 0,
  // A replica taking 200 servers over would otherwise start 200 catalog-heavy runs at once.
  maxConcurrent: 2,
  // healthReport() saves each database's run itself: page views' runs count the same way, and a
  // run shared with a page view through the cache is saved once. Returns every listed database.
  read: async (server) => {
    const first = await healthReport(server.id, undefined);
    const listed = (await serverDatabases(server.id)).map((d) => d.name);
    for (const name of databasesToCheck(listed, first.database, await healthCheckedAt(server.id), env().PGWARDEN_HEALTH_OTHER_DATABASES)) {
      // One database that cannot be checked (dropped meanwhile, out of connections) must not cost
      // the others theirs; its previous row stays until it is checked or gone from the list.
      await healthReport(server.id, name).catch(logFailure(`the health run of ${server.id}, database ${name}`));
    }
    return [first.database, ...listed];
  },
  // Rows of databases that are gone (dropped, no longer connectable) leave the card.
  store: async (ctx, listed) => pruneHealth(ctx.server.id, listed),
  lastRunTimes: (servers) => lastHealthTimes(servers),
};
