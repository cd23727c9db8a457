import "server-only";
import { blastRadius, serverVersionNum } from "@/lib/pg/blast-radius";
import { resolveDatabase } from "@/lib/pg/databases";
import { lintFacts } from "@/lib/pg/lint-context";
import { coalescedRead, read } from "@/lib/pg/run";
import type { LintRequest, LintResponse } from "@/lib/schemas/lint";
import { lintSql, type LintOptions } from "./index";

/**
 * Lints SQL for a configured server: the rules follow the server's real version, and when a
 * database is named, facts from its catalog settle what the file alone cannot (validated CHECKs,
 * old column types, partition keys) and each table the migration locks gets its blast radius
 * (size, rows, and the sessions holding locks on it right now).
 */
export async function lintForServer(server: string, request: LintRequest): Promise<LintResponse> {
  const target = await resolveDatabase(server, request.db);
  // The version changes only with an upgrade; sharing the read across viewers is fine.
  const version = await coalescedRead(target, "server_version_num", serverVersionNum);
  const options: LintOptions = { serverVersionNum: version, assumeInTransaction: request.assumeInTransaction };
  let result = await lintSql(request.sql, options);
  // Only the questions the first pass asked, and a second pass only when the catalog answered.
  const asked = result.catalogQuestions;
  const facts = request.db && asked.tables.length + asked.types.length > 0 ? await read(target, (db) => lintFacts(db, asked)) : null;
  if (facts) result = await lintSql(request.sql, { ...options, facts });
  const radius = request.db && result.tables.length > 0 ? await read(target, (db) => blastRadius(db, result.tables)) : request.db ? [] : null;
  return { ...result, database: request.db ?? null, blastRadius: radius, catalogFacts: facts, lintedAt: Date.now() };
}
