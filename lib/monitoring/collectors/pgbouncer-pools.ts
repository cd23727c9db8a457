import "server-only";
import type { PgbouncerConfig } from "@/lib/config/servers";
import { env } from "@/lib/config/env";
import { poolSample } from "@/lib/pg/pgbouncer";
import { insertPoolSample, lastPoolSampleTimes } from "@/lib/store/pool-history";
import type { Collector } from "../collector";

// SHOW POOLS of each PgBouncer every sample interval into metric_pgbouncer_pools: the PgBouncer
// page's history of clients waiting and maxwait per pool (issue 14).

export const pgbouncerPoolsCollector: Collector<Awaited<ReturnType<typeof poolSample>>, PgbouncerConfig> = {
  name: "pgbouncer-pools",
  target: "pgbouncer",
  intervalS: () => env().PGWARDEN_SAMPLE_INTERVAL_S,
  read: (bouncer) => poolSample(bouncer.id),
  // Stored at the time SHOW POOLS answered (a read shared with a page poll may be a moment old).
  store: async (ctx, sample) => void (await insertPoolSample(ctx.server.id, sample.at, sample.pools, ctx.intervalS)),
  lastRunTimes: (servers) => lastPoolSampleTimes(servers),
};
