import { handler } from "@/lib/api/handler";
import { databaseMigrationHistory } from "@/lib/pg/migration-history/database";
import { ServerParams } from "@/lib/schemas/common";
import { MigrationHistoryResponse } from "@/lib/schemas/migrations";
import { DatabaseQuery } from "@/lib/schemas/servers";

export const dynamic = "force-dynamic";

export const GET = handler(
  { permission: "read", params: ServerParams, query: DatabaseQuery, response: MigrationHistoryResponse },
  ({ params, query }) => databaseMigrationHistory(params.server, query.db),
);
