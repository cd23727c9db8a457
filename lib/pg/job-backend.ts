import "server-only";
import type { MaintenanceProgress } from "@/lib/schemas/maintenance";
import { backendStartUs, guardedSignal } from "./backend";
import type { Queryable } from "./types";

// A job's backend is known by what it runs, not by a remembered pid alone: its pid, its
// backend_start AND its current statement, which starts with the job's tag comment. Progress,
// cancel and the orphan check all go through this one identity, so nothing here ever reads or
// signals a backend that is not running the job (a reused pid, a pooled connection that has moved
// on to another client's work, or the job's own connection after its statement ended).

export interface JobBackend {
  pid: number;
  /** exact to the microsecond, as pg_stat_activity shows it */
  backendStart: string;
  /** the comment the job's statement starts with */
  tag: string;
}

/** The comment that starts a job's statement. Only digits and letters go in. */
export function jobTag(id: number | string): string {
  const safe = String(id).replace(/[^0-9a-z]/gi, "");
  return `/* pgwarden job ${safe} */`;
}

// One row always: whether the backend is alive (pid + backend_start) and running the job's
// statement now (active, text starting with the tag). pg_stat_progress_analyze is PG 13+; VACUUM
// FULL reports in pg_stat_progress_cluster. pg_blocking_pids only for a waiting job: it takes the
// lock manager's locks.
const PROGRESS = /* sql */ `
  WITH a AS (
    SELECT a.* FROM pg_stat_activity a WHERE a.pid = $1 AND a.backend_start = $2::timestamptz
  ), job AS (
    SELECT a.* FROM a WHERE a.state = 'active' AND left(a.query, length($3)) = $3
  )
  SELECT EXISTS (SELECT FROM a) AS alive, EXISTS (SELECT FROM job) AS running,
         (SELECT CASE WHEN job.wait_event_type = 'Lock' THEN pg_blocking_pids(job.pid) ELSE '{}'::int[] END FROM job) AS waiting_on,
         v.phase AS v_phase, v.heap_blks_total AS v_total, v.heap_blks_scanned AS v_scanned, v.heap_blks_vacuumed AS v_vacuumed,
         an.phase AS a_phase, an.sample_blks_total AS a_total, an.sample_blks_scanned AS a_done,
         ci.phase AS i_phase, ci.blocks_total AS i_total, ci.blocks_done AS i_done,
         cl.phase AS c_phase, cl.heap_blks_total AS c_total, cl.heap_blks_scanned AS c_done
    FROM (SELECT 1) one
    LEFT JOIN job ON true
    LEFT JOIN pg_stat_progress_vacuum v ON v.pid = job.pid
    LEFT JOIN pg_stat_progress_analyze an ON an.pid = job.pid
    LEFT JOIN pg_stat_progress_create_index ci ON ci.pid = job.pid
    LEFT JOIN pg_stat_progress_cluster cl ON cl.pid = job.pid`;

export interface ProgressExtras {
  /** the job reads with pgstattuple, which reports no progress: say what it reads */
  pgstattuple?: boolean;
  relationBytes?: number | null;
}

/** Progress of the job's statement (phase, blocks done/total, %); running false when it is not running. */
export async function maintenanceProgress(db: Queryable, b: JobBackend, extras: ProgressExtras = {}): Promise<MaintenanceProgress> {
  const r = (await db.query(PROGRESS, [b.pid, b.backendStart, b.tag])).rows[0];
  const none = { pid: b.pid, command: null, phase: null, blocksDone: null, blocksTotal: null, percent: null };
  const running = r.running === true;
  const pick = (): Omit<MaintenanceProgress, "waitingOn" | "running"> => {
    if (r.v_phase) {
      const doneBlocks = r.v_phase === "vacuuming heap" ? r.v_vacuumed : r.v_scanned;
      return { pid: b.pid, command: "vacuum", phase: r.v_phase, blocksDone: doneBlocks, blocksTotal: r.v_total, percent: null };
    }
    if (r.c_phase) return { pid: b.pid, command: "cluster", phase: r.c_phase, blocksDone: r.c_done, blocksTotal: r.c_total, percent: null };
    if (r.i_phase) return { pid: b.pid, command: "create_index", phase: r.i_phase, blocksDone: r.i_done, blocksTotal: r.i_total, percent: null };
    if (r.a_phase) return { pid: b.pid, command: "analyze", phase: r.a_phase, blocksDone: r.a_done, blocksTotal: r.a_total, percent: null };
    if (running && extras.pgstattuple) {
      const waiting = (r.waiting_on ?? []).length > 0;
      return { pid: b.pid, command: "pgstattuple", phase: waiting ? "waiting for its lock" : "reading every page", blocksDone: null, blocksTotal: null, percent: null };
    }
    return none;
  };
  const p = pick();
  const percent = p.blocksTotal && p.blocksDone !== null ? Math.min(100, (100 * p.blocksDone) / p.blocksTotal) : null;
  return {
    ...p,
    percent,
    waitingOn: r.waiting_on ?? [],
    running,
    ...(extras.pgstattuple ? { relationBytes: extras.relationBytes ?? null } : {}),
  };
}

export type BackendState = "running" | "alive" | "gone";

/** running: the job's statement runs now; alive: the backend exists but runs something else (or nothing). */
export async function jobBackendState(db: Queryable, b: JobBackend): Promise<BackendState> {
  const { rows } = await db.query(
    /* sql */ `SELECT (a.state = 'active' AND left(a.query, length($3)) = $3) AS running
                FROM pg_stat_activity a WHERE a.pid = $1 AND a.backend_start = $2::timestamptz`,
    [b.pid, b.backendStart, b.tag],
  );
  if (!rows[0]) return "gone";
  return rows[0].running === true ? "running" : "alive";
}

/**
 * Cancels the job's statement: the signal goes only to the backend with the job's pid and
 * backend_start that is running the job's tagged statement right now. pg_cancel_backend returns
 * false with a WARNING for a pid that is gone meanwhile: that is "gone", never success.
 */
export async function cancelMaintenance(db: Queryable, b: JobBackend): Promise<"cancelled" | BackendState> {
  const us = backendStartUs(b.backendStart);
  if (us === undefined) throw new TypeError(`job backend_start in an unexpected form: ${b.backendStart}`);
  const r = await guardedSignal(db, "cancel", { pid: b.pid, backendStartUs: us }, b.tag);
  return r === "sent" ? "cancelled" : r === "not_running" ? "alive" : "gone";
}

/**
 * When the table was last vacuumed / analyzed by hand (not autovacuum), as `timestamp >
 * backend_start` on the monitored server's own clock: whether a job whose backend is gone got
 * there. Index commands and VACUUM FULL leave no such trace (null).
 */
export async function maintainedSince(db: Queryable, relid: number, since: string): Promise<{ vacuumed: boolean; analyzed: boolean }> {
  const { rows } = await db.query(
    /* sql */ `SELECT coalesce(pg_stat_get_last_vacuum_time($1::oid) > $2::timestamptz, false) AS vacuumed,
                      coalesce(pg_stat_get_last_analyze_time($1::oid) > $2::timestamptz, false) AS analyzed`,
    [relid, since],
  );
  return { vacuumed: rows[0].vacuumed === true, analyzed: rows[0].analyzed === true };
}
