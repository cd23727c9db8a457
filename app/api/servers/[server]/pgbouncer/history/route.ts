import { handler } from "@/lib/api/handler";
import { poolHistory } from "@/lib/monitoring/pool-history";
import { ServerParams } from "@/lib/schemas/common";
import { PoolHistoryQuery, PoolHistoryResponse } from "@/lib/schemas/pgbouncer";

export const dynamic = "force-dynamic";

// Pool history from the console's store (the sampler's SHOW POOLS points): PgBouncer is not asked.
export const GET = handler(
  { permission: "read", serverKind: "pgbouncer", params: ServerParams, query: PoolHistoryQuery, response: PoolHistoryResponse },
  ({ params, query }) => poolHistory(params.server, query),
);
