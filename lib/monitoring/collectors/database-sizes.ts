import "server-only";
import { readDatabaseSizes } from "@/lib/pg/samples";
import { lastSizeTimes } from "@/lib/store/metric-reads";
import { insertDatabaseSizes } from "@/lib/store/metrics";
import type { Collector } from "../collector";

/** Sizes of every database every 5 minutes (pg_database_size stats every file: not each 15 s). */
export const DATABASE_SIZES_INTERVAL_S = 300;

export const databaseSizesCollector: Collector<Awaited<ReturnType<typeof readDatabaseSizes>>> = {
  name: "database-sizes",
  intervalS: () => DATABASE_SIZES_INTERVAL_S,
  read: (server) => readDatabaseSizes(server.id),
  store: (ctx, sizes) => insertDatabaseSizes(ctx.server.id, ctx.at, sizes),
  // After a takeover, continue the 5-minute schedule instead of sizing every claimed server at once.
  lastRunTimes: (servers) => lastSizeTimes(servers),
};
