import "server-only";
import { ApiError } from "@/lib/api/errors";
import type { Role } from "@/lib/auth/permissions";
import { resolveDatabase } from "@/lib/pg/databases";
import { relationsByOid } from "@/lib/pg/relation-users";
import { read } from "@/lib/pg/run";
import { qualifiedName } from "@/lib/names";
import { maintenanceStatement, MaintenanceRefusal } from "@/lib/pg/storage/maintenance-sql";
import type { CreateJobsResponse, JobsRequest } from "@/lib/schemas/jobs";
import { MaintenanceRequest } from "@/lib/schemas/maintenance";
import { auditIntent, auditOutcome } from "@/lib/store/audit";
import { insertJob } from "@/lib/store/jobs";
import { withProgress } from "./read";
import { kickJobWorker } from "./worker";

export interface Requester {
  user: { id: number; name: string };
  role: Role;
  client: string | null;
}

const STANDBY = "The server is a standby (in recovery): VACUUM, ANALYZE and REINDEX can only run on the primary. Nothing was queued to run.";

/**
 * Queues one job per selected relation (in the order given). Every relation is looked up by OID
 * in that database and the statement is built once as a dry run, so a wrong kind, a missing table
 * or an option the server is too old for is refused before anything is queued. Each job is audited
 * (intent now, outcome when it ends). On a standby the jobs are recorded as refused, with the reason.
 */
export async function queueJobs(server: string, dbName: string | undefined, req: JobsRequest, who: Requester): Promise<CreateJobsResponse> {
  const relids = [...new Set(req.relids)];
  const found = await read(await resolveDatabase(server, dbName), (db) => relationsByOid(db, relids));
  const missing = relids.filter((id) => !found.relations.has(id));
  if (missing.length) {
    throw new ApiError(404, "relation_not_found", `No relation with OID ${missing.join(", ")} in this database (dropped since you looked?). Nothing was queued.`);
  }
  const plans = relids.map((relid) => {
    const rel = found.relations.get(relid)!;
    const request = MaintenanceRequest.parse({ kind: req.command, relid, lockTimeoutMs: req.lockTimeoutMs, options: req.options });
    try {
      return { rel, request, statement: maintenanceStatement(request, rel, found.version) };
    } catch (err) {
      if (err instanceof MaintenanceRefusal) throw new ApiError(400, "refused", `${err.message} Nothing was queued.`);
      throw err;
    }
  });

  const database = found.database;
  const jobs = [];
  for (const { rel, request, statement } of plans) {
    // Shown in the jobs list and the audit log as every page shows names (quote_ident's form).
    const name = qualifiedName(rel.schema, rel.name);
    const intentId = await auditIntent({
      ...who,
      server,
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
      ...(found.standby ? { refused: STANDBY } : {}),
    });
    if (found.standby) await auditOutcome(intentId, "failed", undefined, `refused: ${STANDBY}`);
    jobs.push(job);
  }
  if (!found.standby) kickJobWorker();
  return { jobs: await withProgress(jobs) };
}
