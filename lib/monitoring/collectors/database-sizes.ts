import "server-only";
import { readDatabaseSizes } from "@/lib/pg/samples";
import { insertDatabaseSizes } from "@/lib/store/metrics";
import type { Collector } from "../collector";

/** Sizes of every database every 5 minutes (pg_database_size stats every file: not each 15 s). */
export const DATABASE_SIZES_INTERVAL_S = 300;

export const databaseSizesCollector: Collector<Awaited<ReturnType<typeof readDatabaseSizes>>> = {
  name: "database-sizes",
  intervalS: () => DATABASE_SIZES_INTERVAL_S,
  read: (server) => readDatabaseSizes(server.id),
  store: (ctx, sizes) => insertDatabaseSizes(ctx.server.id, ctx.at, sizes),
};
