import "server-only";
import type { z } from "zod";
import { DomainError } from "@/lib/errors";
import { resolveDatabase } from "@/lib/pg/databases";
import { jobEndpoint, JobsRefused } from "@/lib/pg/job-connection";
import { relationsByOid } from "@/lib/pg/relation-catalog";
import { read } from "@/lib/pg/run";
import { qualifiedName } from "@/lib/names";
import { maintenanceStatement, MaintenanceRefusal } from "@/lib/pg/relations/maintenance-sql";
import type { CreateJobsResponse, ExactBloatJobRequest, JobsRequest } from "@/lib/schemas/jobs";
import { MaintenanceRequest } from "@/lib/schemas/maintenance";
import type { RequestAudit } from "@/lib/store/audit";
import { insertJob } from "@/lib/store/jobs";
import { withProgress } from "./read";
import { kickJobWorker } from "./worker";

const STANDBY = "The server is a standby (in recovery): VACUUM, ANALYZE and REINDEX can only run on the primary. Nothing was queued to run.";

/**
 * Queues one job per selected relation (in the order given). Every relation is looked up by OID
 * in that database and the statement is built once as a dry run, so a wrong kind, a missing table
 * or an option the server is too old for is refused before anything is queued. Each job is audited
 * (intent now, outcome when it ends). On a standby the jobs are recorded as refused, with the reason.
 */
export async function queueJobs(server: string, dbName: string | undefined, req: JobsRequest, audit: RequestAudit): Promise<CreateJobsResponse> {
  const who = audit.who;
  // Jobs never run through a pooler: refused before anything is looked up or queued.
  const target = await resolveDatabase(server, dbName);
  try {
    await jobEndpoint(target);
  } catch (err) {
    if (err instanceof JobsRefused) throw new DomainError("conflict", "needs_direct_connection", `${err.message} Nothing was queued.`);
    throw err;
  }
  const relids = [...new Set(req.relids)];
  const found = await read(target, (db) => relationsByOid(db, relids));
  const missing = relids.filter((id) => !found.relations.has(id));
  if (missing.length) {
    throw new DomainError("not_found", "relation_not_found", `No relation with OID ${missing.join(", ")} in this database (dropped since you looked?). Nothing was queued.`);
  }
  const plans = relids.map((relid) => {
    const rel = found.relations.get(relid)!;
    const request = MaintenanceRequest.parse({ kind: req.command, relid, lockTimeoutMs: req.lockTimeoutMs, options: req.options });
    try {
      const catalog = { ...rel, pgstattupleSchema: found.pgstattupleSchema, blockSize: found.blockSize };
      return { rel, request, statement: maintenanceStatement(request, catalog, found.version) };
    } catch (err) {
      if (err instanceof MaintenanceRefusal) throw new DomainError("invalid", "refused", `${err.message} Nothing was queued.`);
      throw err;
    }
  });

  const database = found.database;
  // pgstattuple only reads: it may run on a standby; the others are recorded as refused there.
  const refuse = found.standby && req.command !== "bloat_exact";
  const jobs = [];
  for (const { rel, request, statement } of plans) {
    // Shown in the jobs list and the audit log as every page shows names (quote_ident's form).
    const name = qualifiedName(rel.schema, rel.name);
    const intentId = await audit.intent({
      database,
      action: req.command,
      target: { oid: rel.oid, name },
      params: { options: request.options, lockTimeoutMs: request.lockTimeoutMs, statement },
    });
    const job = await insertJob({
      ...who,
      server,
      database,
      relid: rel.oid,
      relation: name,
      command: req.command,
      options: request.options,
      lockTimeoutMs: request.lockTimeoutMs,
      auditIntentId: intentId,
      ...(refuse ? { refused: STANDBY } : {}),
    });
    if (refuse) await audit.outcome(intentId, "failed", undefined, `refused: ${STANDBY}`);
    jobs.push(job);
  }
  if (!refuse) kickJobWorker();
  return { jobs: await withProgress(jobs) };
}

/** Exact bloat of one relation: a queued pgstattuple read (it reads the whole relation). */
export function queueExactBloat(server: string, dbName: string | undefined, req: z.infer<typeof ExactBloatJobRequest>, audit: RequestAudit) {
  return queueJobs(server, dbName, { command: "bloat_exact", relids: [req.relid], lockTimeoutMs: req.lockTimeoutMs, options: {} }, audit);
}
