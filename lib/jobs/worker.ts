import "server-only";
import { randomBytes } from "node:crypto";
import os from "node:os";
import { findServer } from "@/lib/config/servers";
import { cancelMaintenance, maintenanceConnectionConfig, runMaintenance } from "@/lib/pg/maintenance";
import { act } from "@/lib/pg/run";
import { forgetStorageReads } from "@/lib/pg/tables";
import type { MaintenanceOutcome } from "@/lib/schemas/maintenance";
import { auditOutcome, type AuditOutcome } from "@/lib/store/audit";
import {
  activeQueues,
  claimNextJob,
  finishJob,
  markJobBackend,
  openQueueConnection,
  reapOrphans,
  releaseQueueLock,
  tryQueueLock,
  type JobRow,
} from "@/lib/store/jobs";

// One worker per console process. Every few seconds (and at once when a job is queued here) it
// looks for databases with unfinished jobs and drains each queue it can lock: one job at a time
// per database, databases in parallel. Other replicas do the same; the store's advisory lock
// decides who runs a database's queue (lib/store/jobs.ts).

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

/** Starts the worker if this process has none yet; the first tick also reaps dead replicas' jobs. */
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
    .catch(() => {}) // store unreachable: the next tick tries again
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
      for (const orphan of await reapOrphans(lock, server, database)) {
        await auditJob(orphan, "unknown", undefined, orphan.message ?? "console process stopped");
      }
      for (;;) {
        const job = await claimNextJob(lock, server, database, w.owner);
        if (!job) break;
        await runJob(job);
      }
      return true;
    } finally {
      await releaseQueueLock(lock, server, database).catch(() => {});
    }
  } finally {
    await lock.end().catch(() => {});
  }
}

const AUDIT_OF: Record<MaintenanceOutcome["status"], AuditOutcome> = {
  ok: "ok",
  skipped: "skipped",
  unknown: "unknown",
  blocked: "failed",
  cancelled: "failed",
  refused: "failed",
  failed: "failed",
};

export async function auditJob(job: JobRow, outcome: AuditOutcome, sqlstate: string | undefined, detail: string) {
  if (job.auditIntentId !== null) await auditOutcome(job.auditIntentId, outcome, sqlstate, detail).catch(() => {});
}

async function runJob(job: JobRow) {
  const target = { server: job.server, database: job.database };
  let backendWrite: Promise<unknown> = Promise.resolve();
  let outcome: MaintenanceOutcome;
  try {
    outcome = await runMaintenance(
      maintenanceConnectionConfig(target),
      { kind: job.command, relid: job.relid, lockTimeoutMs: job.lockTimeoutMs, options: job.options } as never,
      {
        onStarted: (s) => {
          // A cancel asked for before the pid was known is delivered now.
          backendWrite = markJobBackend(job.id, s.pid, s.backendStart, s.statement)
            .then((cancel) => (cancel ? act(target, (db) => cancelMaintenance(db, s.pid, s.backendStart)) : null))
            .catch(() => {});
        },
      },
    );
  } catch (err) {
    // Only a request the allow-list rejects throws; it was validated when queued, so a bug if reached.
    outcome = { status: "failed", statement: null, relation: null, pid: null, message: `Not run: ${(err as Error).message}`, notices: [], durationMs: 0 };
  }
  await backendWrite;
  const done = await finishJob(job.id, outcome);
  forgetStorageReads(job.server, job.database, [job.relid]);
  await auditJob(done, AUDIT_OF[outcome.status], outcome.sqlstate, `${outcome.status}: ${outcome.message}`);
}
