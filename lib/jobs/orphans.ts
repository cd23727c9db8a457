import "server-only";
import { cancelMaintenance, jobBackendState, maintainedSince, type BackendState, type JobBackend } from "@/lib/pg/job-backend";
import { withJobEndpoint } from "@/lib/pg/job-connection";
import type { Target } from "@/lib/pg/pools";
import type { MaintenanceStatus } from "@/lib/schemas/maintenance";
import type { AuditOutcome } from "@/lib/store/audit";
import { cancelState, finishOrphan } from "@/lib/store/job-queue";
import { markCancelSent, type JobRow } from "@/lib/store/jobs";
import { AUDIT_OF } from "./outcome";
import { logFailure } from "@/lib/log";

// Watching a job's backend: the console process that runs a job delivers cancels asked for on any
// replica (or before the statement started), and a job whose process stopped — kill -9, a crash,
// a deploy — is re-attached by the replica that next takes its database's queue lock. While its
// backend (pid + backend_start, running the job's tagged statement) is alive the job stays
// "running", with progress and a working cancel; when the backend is gone, its end is what can
// be learned: last_vacuum / last_analyze moved past the backend's start → completed; a delivered
// cancel and no such move → cancelled; otherwise unknown.

const POLL_MS = 1_000;
/** A backend that stays alive but idle this long is not going to run the statement (its client is gone). */
const IDLE_GIVE_UP_MS = 30_000;
/** PG 14 reports vacuum/analyze times to its statistics collector asynchronously (about 0.5 s). */
const STATS_GRACE_MS = 3_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Delivers a cancel requested for `b`'s job once (checked every second while it runs). */
async function deliverCancel(id: number, target: Target, b: JobBackend): Promise<void> {
  const c = await cancelState(id);
  if (!c.requested || c.sent) return;
  const sent = await withJobEndpoint(target, (db) => cancelMaintenance(db, b));
  if (sent === "cancelled") await markCancelSent(id);
}

/** For a job this process runs: delivers cancels asked for anywhere. Cleared when the job ends. */
export function watchCancel(id: number, target: Target, b: JobBackend): NodeJS.Timeout {
  let busy = false;
  const t = setInterval(() => {
    if (busy) return;
    busy = true;
    deliverCancel(id, target, b)
      .catch(logFailure(`cancel of job ${id}`)) // store or server briefly unreachable: the next second tries again
      .finally(() => (busy = false));
  }, POLL_MS);
  t.unref?.();
  return t;
}

type Settle = (finish: () => Promise<JobRow | null>, outcome: AuditOutcome, sqlstate: string | undefined, detail: string) => Promise<void>;

/** How a re-attached job ended, once its backend is gone. */
async function trueEnd(job: JobRow, b: JobBackend, cancelSent: boolean): Promise<{ status: MaintenanceStatus; message: string }> {
  const target = { server: job.server, database: job.database };
  const vacuums = job.command === "vacuum" || job.command === "vacuum_analyze";
  const analyzes = job.command === "analyze" || job.command === "vacuum_analyze";
  if (vacuums || analyzes) {
    const deadline = Date.now() + STATS_GRACE_MS;
    for (;;) {
      const m = await withJobEndpoint(target, (db) => maintainedSince(db, job.relid, b.backendStart)).catch((err) => (logFailure(`statistics check of job ${job.id}`)(err), null));
      if (m && (!vacuums || m.vacuumed) && (!analyzes || m.analyzed)) {
        const what = [vacuums && "last_vacuum", analyzes && "last_analyze"].filter(Boolean).join(" and ");
        return { status: "ok", message: `Completed while no console watched it: the table's ${what} moved past the job's start.` };
      }
      if (Date.now() > deadline) break;
      await sleep(500);
    }
  }
  if (cancelSent) {
    return { status: "cancelled", message: `Cancelled: the signal reached pid ${b.pid} while it ran the job's statement, and its backend has ended.` };
  }
  return {
    status: "unknown",
    message: `Its backend (pid ${b.pid}) ended while no console process watched it${vacuums || analyzes ? ", and the table's statistics do not show it completing" : ""}; whether the statement finished is unknown. Check the table before running it again.`,
  };
}

/**
 * Watches a job whose console process stopped, until its backend is gone, then records its end.
 * The caller holds the database's queue lock, so no other replica watches it meanwhile; when the
 * caller stops (`active` false) the job is left running, and the next lock holder takes it over.
 */
export async function watchOrphan(job: JobRow, settle: Settle, active: () => boolean): Promise<void> {
  const target = { server: job.server, database: job.database };
  // The re-attach note (whose process stopped, who took over) stays in front of the end.
  const finish = async (status: MaintenanceStatus, end: string) => {
    const message = job.message ? `${job.message} ${end}` : end;
    return settle(() => finishOrphan(job.id, status, message), AUDIT_OF[status], undefined, `${status}: ${end}`);
  };
  if (job.pid === null || job.backendStart === null) {
    // The backend is recorded before the statement is sent: none recorded, nothing was sent.
    return finish("failed", "Not run: the console process that claimed it stopped before it sent the statement; nothing was run.");
  }
  if (job.tag === null) {
    return finish("unknown", "The console process running it stopped; whether the statement finished is unknown. Check the table before running it again.");
  }
  const b: JobBackend = { pid: job.pid, backendStart: job.backendStart, tag: job.tag };
  let idleSince: number | null = null;
  for (;;) {
    // This process's worker is stopping: leave the job running for the next one to re-attach.
    if (!active()) return;
    let state: BackendState;
    try {
      state = await withJobEndpoint(target, (db) => jobBackendState(db, b));
    } catch {
      await sleep(POLL_MS); // the server or the store is unreachable: keep watching
      continue;
    }
    if (state === "running") {
      idleSince = null;
      await deliverCancel(job.id, target, b).catch(logFailure(`cancel of orphaned job ${job.id}`));
    } else if (state === "alive") {
      idleSince ??= Date.now();
      if (Date.now() - idleSince > IDLE_GIVE_UP_MS) break;
    } else {
      break;
    }
    await sleep(POLL_MS);
  }
  const sent = (await cancelState(job.id).catch(() => ({ sent: false }))).sent;
  const end = await trueEnd(job, b, sent);
  return finish(end.status, end.message);
}
