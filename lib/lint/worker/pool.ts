import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { DomainError } from "@/lib/errors";
import { env } from "@/lib/config/env";
import type { LintResult } from "@/lib/schemas/lint";
import type { LintOptions } from "../index";

// Linting runs in worker threads, never on the event loop that answers health checks, cancels
// and the job worker (issue 8: one 800 kB request froze the console for 17 minutes). A lint that
// runs past the time limit has its worker terminated — the only way to stop a WASM call — and a
// fresh one takes its place. Each person has at most one lint in flight.

/** One thread on a 2-core machine, so the event loop keeps a core; two where there is room. */
const POOL_SIZE = os.availableParallelism() > 2 ? 2 : 1;
/** Lints waiting for a thread; beyond that the request is refused at once (503). */
const MAX_WAITING = 4;
const STARTUP_LIMIT_MS = 30_000;
/** The JS heap of one worker; a parse tree that outgrows it ends the worker, not the console. */
const HEAP_MB = 512;

/**
 * The entry is loaded from disk by Node, never bundled: Turbopack bundles the target of any
 * `new Worker(…)` whose path it can work out (process.cwd() + constants included, ignore
 * comments notwithstanding), which would pull tsx into the app. realpathSync is opaque to it,
 * and fails with ENOENT at the first lint if the file is missing from the deployment.
 */
const entryPath = () => fs.realpathSync(path.join(process.cwd(), "lib", "lint", "worker", "entry.mjs"));

class TimeLimitExceeded extends Error {}

type Reply = { id: number; ok: true; result: LintResult } | { id: number; ok: false; name: string; stack: string };

/** One worker thread and the lint it is running; once killed it is never used again. */
class LintThread {
  readonly #worker: Worker;
  readonly ready: Promise<void>;
  #pending?: { id: number; resolve: (r: LintResult) => void; reject: (e: Error) => void };
  #startFailed?: (e: Error) => void;
  dead = false;

  constructor() {
    this.#worker = new Worker(entryPath(), { resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
    this.#worker.unref(); // an idle linter never keeps the process alive
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.kill(new Error(`the lint worker did not start within ${STARTUP_LIMIT_MS / 1000} s`)), STARTUP_LIMIT_MS);
      this.#startFailed = (e) => (clearTimeout(timer), reject(e));
      this.#worker.on("message", (m: { ready: true } | Reply) => {
        if ("ready" in m) return void (clearTimeout(timer), resolve());
        const p = this.#pending;
        if (!p || p.id !== m.id) return;
        this.#pending = undefined;
        if (m.ok) p.resolve(m.result);
        else p.reject(Object.assign(new Error("the linter failed"), { name: m.name, workerStack: m.stack }));
      });
    });
    this.ready.catch(() => {}); // awaited by callers; a respawn nobody waits for must not be "unhandled"
    this.#worker.on("error", (err) => this.kill(err));
    this.#worker.on("exit", (code) => this.kill(new Error(`the lint worker exited with code ${code}`)));
  }

  run(id: number, sql: string, options: LintOptions, timeLimitMs: number): Promise<LintResult> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.kill(new TimeLimitExceeded()), timeLimitMs);
      this.#pending = {
        id,
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      this.#worker.postMessage({ id, sql, options });
    });
  }

  kill(reason: Error) {
    if (this.dead) return;
    this.dead = true;
    this.#startFailed?.(reason);
    const p = this.#pending;
    this.#pending = undefined;
    p?.reject(reason);
    void this.#worker.terminate();
  }
}

interface Slot {
  thread?: LintThread;
  busy: boolean;
}

const slots: Slot[] = Array.from({ length: POOL_SIZE }, () => ({ busy: false }));
const waiting: ((slot: Slot) => void)[] = [];
const owners = new Set<string>();
let nextId = 1;

function acquire(): Promise<Slot> {
  const free = slots.find((s) => !s.busy);
  if (free) {
    free.busy = true;
    return Promise.resolve(free);
  }
  if (waiting.length >= MAX_WAITING) {
    return Promise.reject(new DomainError("unavailable", "lint_busy", "The linter is busy with other people's files; try again in a few seconds."));
  }
  return new Promise((resolve) => waiting.push(resolve));
}

/** Hands the thread straight to the next waiter, so a newcomer cannot take it in between. */
function release(slot: Slot) {
  const next = waiting.shift();
  if (next) next(slot);
  else slot.busy = false;
}

export interface LintRun {
  /** One lint at a time per owner (the signed-in user); a second concurrent one gets 429. */
  owner?: string;
  /** Default: PGWARDEN_LINT_TIME_LIMIT_MS. */
  timeLimitMs?: number;
}

/** lintSql(sql, options) in a worker thread, with the time limit and the per-owner limit. */
export async function lintInWorker(sql: string, options: LintOptions, run: LintRun = {}): Promise<LintResult> {
  const limit = run.timeLimitMs ?? env().PGWARDEN_LINT_TIME_LIMIT_MS;
  if (run.owner !== undefined) {
    if (owners.has(run.owner)) {
      throw new DomainError("rate_limited", "lint_in_progress", "You already have a lint running; wait for its result before starting another.");
    }
    owners.add(run.owner);
  }
  try {
    const slot = await acquire();
    try {
      return await lintOn(slot, sql, options, limit);
    } finally {
      release(slot);
    }
  } finally {
    if (run.owner !== undefined) owners.delete(run.owner);
  }
}

async function lintOn(slot: Slot, sql: string, options: LintOptions, limitMs: number): Promise<LintResult> {
  if (!slot.thread || slot.thread.dead) slot.thread = new LintThread();
  const thread = slot.thread;
  try {
    await thread.ready;
  } catch (err) {
    console.error("pgwarden: the lint worker could not start:", (err as Error).message);
    throw new DomainError("unavailable", "lint_unavailable", "The linter could not start; the server log says why.");
  }
  try {
    return await thread.run(nextId++, sql, options, limitMs);
  } catch (err) {
    // A killed thread is replaced at once, so the next lint does not wait for a cold start.
    if (thread.dead) slot.thread = new LintThread();
    throw toDomainError(err, limitMs);
  }
}

function toDomainError(err: unknown, limitMs: number): unknown {
  const seconds = Math.round(limitMs / 100) / 10;
  if (err instanceof TimeLimitExceeded) {
    return new DomainError("too_complex", "lint_too_complex", `This SQL is too complex to lint in ${seconds} s; the linter stopped it. Lint the file in smaller parts.`);
  }
  if ((err as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY") {
    return new DomainError("too_large", "lint_too_large", `Linting this SQL needs more than the linter's ${HEAP_MB} MB of memory; lint the file in smaller parts.`);
  }
  // A bug in a rule: logged with its stack frames only (the message may quote the migration's SQL).
  const stack = (err as { workerStack?: string }).workerStack ?? (err as Error).stack ?? "";
  console.error(`pgwarden: the linter failed (${(err as Error).name}):\n${stack.split("\n").filter((l) => l.trimStart().startsWith("at ")).join("\n")}`);
  return err;
}

/** Ends every worker (tests; a console shutting down does not need it: the threads are unref'd). */
export function stopLintWorkers() {
  for (const s of slots) {
    s.thread?.kill(new Error("stopped"));
    s.thread = undefined;
  }
}
