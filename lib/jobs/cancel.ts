import "server-only";
import { ApiError } from "@/lib/api/errors";
import { cancelMaintenance } from "@/lib/pg/maintenance";
import { act } from "@/lib/pg/run";
import type { CancelJobResponse } from "@/lib/schemas/jobs";
import { auditIntent, auditOutcome } from "@/lib/store/audit";
import { cancelQueuedJob, jobRow, markCancelRequested } from "@/lib/store/jobs";
import type { Requester } from "./queue";
import { withProgress } from "./read";
import { auditJob, ensureJobWorker } from "./worker";

/** backend_start "…SS.uuuuuuZ" as microseconds since the epoch, as audit rows carry it. */
function micros(iso: string | null): number | undefined {
  const m = iso ? /^(.*)\.(\d{6})Z$/.exec(iso) : null;
  return m ? (Date.parse(`${m[1]}Z`) / 1000) * 1_000_000 + Number(m[2]) : undefined;
}

/**
 * Cancels a job. Queued: taken off the queue (nothing ran). Running: pg_cancel_backend on the
 * job's backend, guarded by pid + backend_start; the job then ends as "cancelled" on its own.
 * Audited as its own action, besides the job's outcome.
 */
export async function cancelJob(server: string, id: number, who: Requester): Promise<CancelJobResponse> {
  ensureJobWorker();
  const before = await jobRow(server, id);
  if (!before) throw new ApiError(404, "job_not_found", "No job with that id on this server.");
  const intentId = await auditIntent({
    ...who,
    server,
    database: before.database,
    action: "cancel_job",
    target: { oid: before.relid, name: before.relation, ...(before.pid ? { pid: before.pid, backendStartUs: micros(before.backendStart) } : {}) },
    params: { jobId: id, command: before.command, state: before.state },
  });
  const answer = async (outcome: CancelJobResponse["outcome"], message: string): Promise<CancelJobResponse> => {
    await auditOutcome(intentId, outcome === "already_done" ? "already_gone" : "ok", undefined, message);
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
  if (row.pid === null || row.backendStart === null) {
    return answer("cancel_sent", "The job is starting; it will be cancelled as soon as its backend is known.");
  }
  const sent = await act({ server, database: row.database }, (db) => cancelMaintenance(db, row.pid!, row.backendStart!));
  if (sent === "gone") {
    return answer("already_done", "The job's backend had already ended; nothing was sent. Its outcome is recorded below.");
  }
  return answer("cancel_sent", `Cancel sent to pid ${row.pid}: the statement is being stopped.`);
}
