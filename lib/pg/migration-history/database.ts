import "server-only";
import type { MigrationHistoryResponse } from "@/lib/schemas/migrations";
import { resolveDatabase } from "../databases";
import { coalescedRead } from "../run";
import { migrationHistory } from "./index";

/** The migration history of `?db=` (checked against pg_database) on a configured server. */
export async function databaseMigrationHistory(server: string, db: string | undefined): Promise<MigrationHistoryResponse> {
  const target = await resolveDatabase(server, db);
  // Per-database view: the pool connects to THAT database, so the catalog query sees its tables.
  return coalescedRead(target, "migration-history", async (q) => ({
    ...(await migrationHistory(q)),
    database: target.database ?? null,
    readAt: Date.now(),
  }));
}
