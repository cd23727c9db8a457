import "server-only";
import { DomainError } from "@/lib/errors";
import { blastRadius } from "@/lib/pg/blast-radius";
import { resolveDatabase } from "@/lib/pg/databases";
import { lintFacts } from "@/lib/pg/lint-context";
import { queryTextFor } from "@/lib/pg/query-text";
import { cachedServerFacts } from "@/lib/pg/server-facts";
import { read } from "@/lib/pg/run";
import type { BlastRadiusEntry, LintRequest, LintResponse } from "@/lib/schemas/lint";
import type { LintOptions } from "./index";
import { precheckSql } from "./worker/precheck";
import { lintInWorker } from "./worker/pool";

/** Who asks: one lint at a time per owner, and the role decides how session queries are shown. */
export interface LintCaller {
  owner: string;
  role: string;
}

/**
 * Lints SQL for a configured server: the rules follow the server's real version, and when a
 * database is named, facts from its catalog settle what the file alone cannot (validated CHECKs,
 * old column types, partition keys) and each table the migration locks gets its blast radius
 * (size, rows, and the sessions holding locks on it right now). The SQL is checked cheaply first
 * and linted in a worker thread with a time limit (lib/lint/worker/), never on the event loop.
 */
export async function lintForServer(server: string, request: LintRequest, caller?: LintCaller): Promise<LintResponse> {
  const refusal = precheckSql(request.sql);
  if (refusal) throw new DomainError(refusal.status === 413 ? "too_large" : "invalid", refusal.code, refusal.message);
  const target = await resolveDatabase(server, request.db);
  // The server's facts are read once per interval and shared by every area (the version changes only with an upgrade).
  const version = (await cachedServerFacts(server)).versionNum;
  const options: LintOptions = { serverVersionNum: version, assumeInTransaction: request.assumeInTransaction };
  const owner = { owner: caller?.owner };
  let result = await lintInWorker(request.sql, options, owner);
  // Only the questions the first pass asked, and a second pass only when the catalog answered.
  const asked = result.catalogQuestions;
  const facts = request.db && asked.tables.length + asked.types.length > 0 ? await read(target, (db) => lintFacts(db, asked)) : null;
  if (facts) result = await lintInWorker(request.sql, { ...options, facts }, owner);
  const radius = request.db && result.tables.length > 0 ? await read(target, (db) => blastRadius(db, result.tables)) : request.db ? [] : null;
  return {
    ...result,
    database: request.db ?? null,
    blastRadius: radius && caller ? await asSeenBy(radius, caller.role) : radius,
    catalogFacts: facts,
    lintedAt: Date.now(),
  };
}

/** The sessions' query text as this role may see it (already redacted for everyone). */
function asSeenBy(radius: BlastRadiusEntry[], role: string): Promise<BlastRadiusEntry[]> {
  return Promise.all(radius.map(async (e) => ({ ...e, sessions: await queryTextFor(e.sessions, role) })));
}
