import "server-only";
import { randomBytes } from "node:crypto";
import os from "node:os";
import { findServer } from "@/lib/config/servers";
import { jobTag } from "@/lib/pg/job-backend";
import { jobClientConfig, JobsRefused } from "@/lib/pg/job-connection";
import { vacuumAdvice, vacuumCount } from "@/lib/pg/health/vacuum-advice";
import { runMaintenance } from "@/lib/pg/maintenance";
import { forgetStorageReads } from "@/lib/pg/tables";
import type { MaintenanceOutcome } from "@/lib/schemas/maintenance";
import { auditOutcome, type AuditOutcome } from "@/lib/store/audit";
import {
  activeQueues,
  claimNextJob,
  finishJob,
  markJobBackend,
  openQueueConnection,
  reattachOrphans,
  releaseQueueLock,
  tryQueueLock,
} from "@/lib/store/job-queue";
import type { JobRow } from "@/lib/store/jobs";
import { watchCancel, watchOrphan } from "./orphans";
import { AUDIT_OF } from "./outcome";
import { logFailure } from "@/lib/log";

// One worker per console process. At start, every few seconds, and at once when a job is queued
// here, it looks for databases with unfinished jobs and drains each queue it can lock: one job at
// a time per database, databases in parallel. Other replicas do the same; the store's advisory
// lock decides who runs a database's queue (lib/store/job-queue.ts), and so also who re-attaches
// a job whose console process stopped (lib/jobs/orphans.ts).

const TICK_MS = 2_000;

interface Worker {
  owner: string;
  draining: Map<string, Promise<void>>;
  timer: NodeJS.Timeout;
  ticking: Promise<void> | null;
  /** a kick arrived during a scan: scan again when it ends */
  again: boolean;
}

const g = globalThis as typeof globalThis & { __pgwardenJobWorker?: Worker };

/** Starts the worker if this process has none yet; the first tick also re-attaches stopped processes' jobs. */
export function ensureJobWorker(): void {
  if (g.__pgwardenJobWorker) return;
  const w: Worker = {
    owner: `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
    draining: new Map(),
    timer: setInterval(() => void tick(w), TICK_MS),
    ticking: null,
    again: false,
  };
  w.timer.unref?.(); // never keeps a process (a test run, a CLI) alive on its own
  g.__pgwardenJobWorker = w;
  void tick(w);
}

/** Look at the queues now (after queueing a job). */
export function kickJobWorker(): void {
  ensureJobWorker();
  void tick(g.__pgwardenJobWorker!);
}

/** Stops the worker after its running jobs end (tests switch stores between files). */
export async function stopJobWorker(): Promise<void> {
  const w = g.__pgwardenJobWorker;
  if (!w) return;
  g.__pgwardenJobWorker = undefined;
  clearInterval(w.timer);
  await w.ticking;
  await Promise.all(w.draining.values());
}

function tick(w: Worker): Promise<void> {
  if (w.ticking) {
    w.again = true;
    return w.ticking;
  }
  w.again = false;
  w.ticking = scan(w)
    .catch(logFailure("job worker scan")) // store unreachable: the next tick tries again
    .finally(() => {
      w.ticking = null;
      if (w.again && g.__pgwardenJobWorker === w) void tick(w);
    });
  return w.ticking;
}

async function scan(w: Worker) {
  for (const q of await activeQueues()) {
    const key = `${q.server}\u0000${q.database}`;
    if (w.draining.has(key) || !findServer(q.server)) continue;
    const run = drain(w, q.server, q.database)
      .catch((err) => {
        console.error("pgwarden: job queue error:", (err as Error)?.name ?? typeof err);
        return false;
      })
      .then((held) => {
        w.draining.delete(key);
        // A job queued while this queue was being released would otherwise wait for the timer.
        if (held && g.__pgwardenJobWorker === w) void tick(w);
      });
    w.draining.set(key, run);
  }
}

/** Runs a database's queue if this process gets its lock; says whether it did. */
async function drain(w: Worker, server: string, database: string): Promise<boolean> {
  const lock = await openQueueConnection();
  try {
    if (!(await tryQueueLock(lock, server, database))) return false; // another replica runs this queue
    try {
      // Jobs still 'running' under a free lock lost their console process: watch them to their
      // end before anything else runs in this database (one job per database at a time).
      for (const orphan of await reattachOrphans(lock, server, database, w.owner)) {
        await watchOrphan(orphan, (finish, outcome, sqlstate, detail) => settle(orphan, finish, outcome, sqlstate, detail), () => g.__pgwardenJobWorker === w);
      }
      for (;;) {
        if (g.__pgwardenJobWorker !== w) break; // stopping: leave the queue to the next worker
        const job = await claimNextJob(lock, server, database, w.owner);
        if (!job) break;
        await runJob(job);
      }
      return true;
    } finally {
      await releaseQueueLock(lock, server, database).catch(logFailure(`release of the job queue lock of ${server}/${database}`));
    }
  } finally {
    await lock.end().catch(() => {});
  }
}

export async function auditJob(job: JobRow, outcome: AuditOutcome, sqlstate: string | undefined, detail: string) {
  if (job.auditIntentId !== null) await auditOutcome(job.auditIntentId, outcome, sqlstate, detail).catch(logFailure(`audit of job ${job.id} (${outcome})`));
}

/** A job has ended (run here, or watched after its own process stopped): record it, refresh the reads it changed, audit. */
async function settle(job: JobRow, finish: () => Promise<JobRow | null>, outcome: AuditOutcome, sqlstate: string | undefined, detail: string) {
  const done = await finish();
  forgetStorageReads(job.server, job.database, [job.relid]);
  if (done) await auditJob(done, outcome, sqlstate, detail);
}

const VACUUMS = new Set(["vacuum", "vacuum_analyze", "vacuum_full"]);

/** A VACUUM that ended leaving dead rows says why; the advice never turns a done job into a failure. */
async function withVacuumAdvice(job: JobRow, outcome: MaintenanceOutcome, vacuumsBefore: number | null): Promise<MaintenanceOutcome> {
  if (outcome.status !== "ok" || !VACUUMS.has(job.command)) return outcome;
  try {
    const advice = await vacuumAdvice({ server: job.server, database: job.database }, job.relid, job.command === "vacuum_full" ? null : vacuumsBefore);
    return advice ? { ...outcome, advice, message: `${outcome.message} — ${advice.message}` } : outcome;
  } catch (err) {
    console.error(`pgwarden: vacuum advice for job ${job.id} could not be read:`, (err as Error)?.message);
    return outcome;
  }
}

async function runJob(job: JobRow) {
  const target = { server: job.server, database: job.database };
  let outcome: MaintenanceOutcome;
  let watcher: NodeJS.Timeout | undefined;
  // The advisor waits for this VACUUM's own statistics; null (unreadable) means it does not wait.
  const vacuumsBefore = VACUUMS.has(job.command) ? await vacuumCount(target, job.relid).catch(() => null) : null;
  try {
    // The job's own direct connection: never a pooler (refused with the reason and the fix).
    const config = await jobClientConfig(target);
    outcome = await runMaintenance(
      config,
      { kind: job.command, relid: job.relid, lockTimeoutMs: job.lockTimeoutMs, options: job.options } as never,
      {
        tag: jobTag(job.id),
        onStarted: async (s) => {
          // Recorded before the statement is sent, so a console that dies now leaves a findable job.
          const cancelFirst = await markJobBackend(job.id, s);
          if (!cancelFirst) watcher = watchCancel(job.id, target, { pid: s.pid, backendStart: s.backendStart, tag: s.tag });
          return cancelFirst;
        },
      },
    );
  } catch (err) {
    outcome =
      err instanceof JobsRefused
        ? { status: "refused", statement: null, relation: null, pid: null, message: `Not run: ${err.message}`, notices: [], durationMs: 0 }
        : // Only a request the allow-list rejects throws; it was validated when queued, so a bug if reached.
          { status: "failed", statement: null, relation: null, pid: null, message: `Not run: ${(err as Error).message}`, notices: [], durationMs: 0 };
  } finally {
    if (watcher) clearInterval(watcher);
  }
  outcome = await withVacuumAdvice(job, outcome, vacuumsBefore);
  await settle(job, () => finishJob(job.id, outcome), AUDIT_OF[outcome.status], outcome.sqlstate, `${outcome.status}: ${outcome.message}`);
}
