import "server-only";
import { DomainError } from "@/lib/errors";
import { roleAllows } from "@/lib/auth/permissions";
import { backendStartUs } from "@/lib/pg/backend";
import { cancelMaintenance } from "@/lib/pg/job-backend";
import { JobsRefused, withJobEndpoint } from "@/lib/pg/job-connection";
import { JOB_PERMISSION, type CancelJobResponse } from "@/lib/schemas/jobs";
import type { RequestAudit } from "@/lib/store/audit";
import { cancelQueuedJob, jobRow, markCancelRequested, markCancelSent } from "@/lib/store/jobs";
import { withProgress } from "./read";
import { auditJob, ensureJobWorker } from "./worker";
import { logFailure } from "@/lib/log";


/**
 * Cancels a job. Stopping a job needs the permission that starting it needs (an operator cannot
 * stop an admin's VACUUM FULL); a refusal is audited like any other. Queued: taken off the queue
 * (nothing ran). Running: pg_cancel_backend on the backend whose pid, backend_start AND current
 * statement (the job's tag) are the job's, on the job's own endpoint; the job then ends as
 * "cancelled" on its own. The request is also recorded, so the console process watching the job
 * delivers it if the statement has not started yet. Audited as its own action.
 */
export async function cancelJob(server: string, id: number, audit: RequestAudit, path = ""): Promise<CancelJobResponse> {
  const who = audit.who;
  ensureJobWorker();
  const before = await jobRow(server, id);
  if (!before) throw new DomainError("not_found", "job_not_found", "No job with that id on this server.");
  const needed = JOB_PERMISSION[before.command];
  if (!roleAllows(who.role, needed)) {
    await audit.event(
      { action: "cancel_job", params: { jobId: id, command: before.command, method: "POST", path } },
      "denied",
      `role ${who.role} lacks ${needed}, which cancelling a ${before.command} job needs`,
    ).catch(() => console.error("pgwarden: could not write a denied row to the audit log"));
    throw new DomainError("forbidden", "forbidden", `Cancelling a ${before.command} job needs the permission to start one (${needed}); your role on this server does not have it.`);
  }
  const intentId = await audit.intent({
    database: before.database,
    action: "cancel_job",
    target: { oid: before.relid, name: before.relation, ...(before.pid ? { pid: before.pid, backendStartUs: before.backendStart ? backendStartUs(before.backendStart) : undefined } : {}) },
    params: { jobId: id, command: before.command, state: before.state },
  });
  const answer = async (outcome: CancelJobResponse["outcome"], message: string): Promise<CancelJobResponse> => {
    await audit.outcome(intentId, outcome === "already_done" ? "already_gone" : "ok", undefined, message);
    const row = (await jobRow(server, id))!;
    return { job: (await withProgress([row]))[0]!, outcome, message };
  };

  if (before.state === "queued") {
    const cancelled = await cancelQueuedJob(id, who.user.name);
    if (cancelled) {
      await auditJob(cancelled, "failed", undefined, "cancelled: taken off the queue before it started; nothing was run");
      return answer("cancelled", "Taken off the queue before it started; nothing was run.");
    }
  }
  const row = (await jobRow(server, id))!;
  if (row.state === "done") return answer("already_done", `The job had already ended (${row.outcome}); nothing was sent.`);
  await markCancelRequested(id, who.user.name);
  if (row.pid === null || row.backendStart === null || row.tag === null) {
    return answer("cancel_requested", "The job is starting; it will be cancelled as soon as its statement is sent (or not sent at all).");
  }
  const backend = { pid: row.pid, backendStart: row.backendStart, tag: row.tag };
  let sent: Awaited<ReturnType<typeof cancelMaintenance>>;
  try {
    sent = await withJobEndpoint({ server, database: row.database }, (db) => cancelMaintenance(db, backend));
  } catch (err) {
    if (err instanceof JobsRefused) {
      await audit.outcome(intentId, "failed", undefined, err.message);
      throw new DomainError("conflict", "needs_direct_connection", err.message);
    }
    await audit.outcome(intentId, "unknown", (err as { sqlstate?: string }).sqlstate, (err as Error).message).catch(logFailure(`audit of the cancel of job ${id}`));
    throw err;
  }
  if (sent === "cancelled") {
    await markCancelSent(id);
    return answer("cancel_sent", `Cancel sent to pid ${row.pid}, which was running the job's statement: it is being stopped.`);
  }
  if (sent === "alive") {
    return answer(
      "cancel_requested",
      `pid ${row.pid} is not running the job's statement at this moment (starting or finishing); the cancel is recorded and delivered if the statement runs.`,
    );
  }
  return answer("already_done", "The job's backend had already ended; nothing was sent. Its outcome is recorded below.");
}
