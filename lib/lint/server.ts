import "server-only";
import { blastRadius, serverVersionNum } from "@/lib/pg/blast-radius";
import { resolveDatabase } from "@/lib/pg/databases";
import { coalescedRead, read } from "@/lib/pg/run";
import type { LintRequest, LintResponse } from "@/lib/schemas/lint";
import { lintSql } from "./index";

/**
 * Lints SQL for a configured server: the rules follow the server's real version, and when a
 * database is named, each table the migration locks gets its blast radius (size, rows, and the
 * sessions holding locks on it right now).
 */
export async function lintForServer(server: string, request: LintRequest): Promise<LintResponse> {
  const target = await resolveDatabase(server, request.db);
  // The version changes only with an upgrade; sharing the read across viewers is fine.
  const version = await coalescedRead(target, "server_version_num", serverVersionNum);
  const result = await lintSql(request.sql, { serverVersionNum: version, assumeInTransaction: request.assumeInTransaction });
  const radius = request.db && result.tables.length > 0 ? await read(target, (db) => blastRadius(db, result.tables)) : request.db ? [] : null;
  return { ...result, database: request.db ?? null, blastRadius: radius, lintedAt: Date.now() };
}
