import "server-only";
import pg from "pg";
import type { z } from "zod";
import { env } from "@/lib/config/env";
import { findServer } from "@/lib/config/servers";
import {
  MaintenanceRequest,
  type MaintenanceNotice,
  type MaintenanceOutcome,
  type MaintenanceProgress,
} from "@/lib/schemas/maintenance";
import { CONSOLE_APPLICATION_NAME, urlForDatabase, type Target } from "./pools";
import { conflictingLockModes, maintenanceStatement, MaintenanceRefusal, type CatalogRelation } from "./storage/maintenance-sql";
import type { Queryable } from "./types";

// The maintenance runner core. A job queue (with history and audit, lib/store) calls
// runMaintenance(); this file only runs one statement and reports what happened.
//
// Why a dedicated pg.Client and not the pool: VACUUM and REINDEX CONCURRENTLY refuse to run inside
// a transaction block, and the pool's reads run in one with a 5 s statement_timeout that would
// cancel any real VACUUM. Here: autocommit, statement_timeout 0, and a short lock_timeout of its
// own so a job fails fast instead of queueing behind a reader and blocking everyone behind it.

/** Connection settings for a job on (server, database), from the registry (never from a request). */
export function maintenanceConnectionConfig(target: Target): pg.ClientConfig {
  const server = findServer(target.server);
  if (!server) throw new Error(`unknown server ${target.server}`);
  return {
    // The URL's path names the database (pg lets it win over a separate `database` field).
    connectionString: urlForDatabase(server.url, target.database),
    connectionTimeoutMillis: env().PGWARDEN_CONNECT_TIMEOUT_MS,
    keepAlive: true,
  };
}

export interface MaintenanceHooks {
  /** The job's backend is known: a queue stores pid + backend_start to read progress and cancel. */
  /** backendStart is exact to the microsecond (a JS Date would drop them and never match again). */
  onStarted?(info: { pid: number; backendStart: string; statement: string }): void;
  onNotice?(notice: MaintenanceNotice): void;
}

const SETUP = /* sql */ `
  SELECT pg_backend_pid() AS pid,
         (SELECT to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
            FROM pg_stat_activity WHERE pid = pg_backend_pid()) AS backend_start,
         pg_is_in_recovery() AS standby,
         current_setting('server_version_num')::int AS version,
         set_config('statement_timeout', '0', false) AS st,
         set_config('lock_timeout', $1, false) AS lt`;

const RELATION = /* sql */ `
  SELECT c.oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.oid = $1`;

// After a lock timeout: sessions holding or queued for a conflicting lock on the relation, its
// table (for an index), its indexes and its TOAST table. Queued ones count: a waiting ACCESS
// EXCLUSIVE request ahead of the job blocks it as surely as a granted one.
const LOCK_HOLDERS = /* sql */ `
  WITH rel AS (
    SELECT $1::oid AS oid
    UNION SELECT indrelid FROM pg_index WHERE indexrelid = $1
    UNION SELECT indexrelid FROM pg_index WHERE indrelid = $1
    UNION SELECT reltoastrelid FROM pg_class WHERE oid = $1 AND reltoastrelid <> 0
  )
  SELECT DISTINCT l.pid
    FROM pg_locks l
   WHERE l.locktype = 'relation' AND l.relation IN (SELECT oid FROM rel)
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND l.mode = ANY($2::text[]) AND l.pid IS NOT NULL AND l.pid <> pg_backend_pid()
   ORDER BY l.pid`;

type PgError = Error & { code?: string; severity?: string };

function isSkipNotice(n: MaintenanceNotice): boolean {
  // PG ≤ 16: 'skipping "t" --- only table or database owner can vacuum it';
  // PG 17+: 'permission denied to vacuum "t", skipping it'; SKIP_LOCKED: 'skipping vacuum of "t" --- lock not available'.
  return /skipping/i.test(n.message);
}

/**
 * Runs one VACUUM / ANALYZE / REINDEX on a dedicated connection and reports the outcome.
 * The request is validated here against the allow-list whatever the caller did before.
 */
export async function runMaintenance(
  config: pg.ClientConfig,
  input: z.input<typeof MaintenanceRequest>,
  hooks: MaintenanceHooks = {},
): Promise<MaintenanceOutcome> {
  const request = MaintenanceRequest.parse(input);
  const started = Date.now();
  const notices: MaintenanceNotice[] = [];
  let statement: string | null = null;
  let relation: CatalogRelation | null = null;
  let pid: number | null = null;
  const done = (status: MaintenanceOutcome["status"], message: string, extra: Partial<MaintenanceOutcome> = {}): MaintenanceOutcome => ({
    status,
    statement,
    relation,
    pid,
    message,
    notices,
    durationMs: Date.now() - started,
    ...extra,
  });

  const client = new pg.Client({ ...config, application_name: CONSOLE_APPLICATION_NAME });
  client.on("error", () => {}); // a dropped connection surfaces through the running query
  client.on("notice", (msg) => {
    const n: MaintenanceNotice = { severity: msg.severity ?? "NOTICE", message: msg.message ?? "", ...(msg.code ? { code: msg.code } : {}) };
    notices.push(n);
    hooks.onNotice?.(n);
  });
  try {
    await client.connect();
  } catch {
    return done("failed", "Could not connect to the database server; nothing was run.");
  }
  try {
    const setup = (await client.query(SETUP, [String(request.lockTimeoutMs)])).rows[0];
    pid = setup.pid;
    if (setup.standby) {
      return done("refused", "The server is a standby (in recovery): VACUUM, ANALYZE and REINDEX can only run on the primary.");
    }
    const rel = (await client.query(RELATION, [request.relid])).rows[0];
    if (!rel) return done("refused", "That relation no longer exists in this database; nothing was run.");
    relation = { oid: Number(rel.oid), schema: rel.schema, name: rel.name, kind: rel.kind };
    try {
      statement = maintenanceStatement(request, relation, setup.version);
    } catch (err) {
      if (err instanceof MaintenanceRefusal) return done("refused", err.message);
      throw err;
    }
    hooks.onStarted?.({ pid: setup.pid, backendStart: setup.backend_start, statement });
    try {
      await client.query(statement);
    } catch (err) {
      return await failure(client, request, err as PgError, done);
    }
    const skip = notices.find(isSkipNotice);
    if (skip) return done("skipped", `PostgreSQL skipped it: ${skip.message}`);
    return done("ok", "Completed.");
  } catch (err) {
    const e = err as PgError;
    if (e.code && /^[0-9A-Z]{5}$/.test(e.code) && !e.code.startsWith("08")) {
      return done("failed", `PostgreSQL error ${e.code}: ${e.message}`, { sqlstate: e.code });
    }
    // The connection broke while the statement may have been running: outcome unknown.
    return done("unknown", "The connection was lost; the outcome is unknown. Re-read the table's state before retrying.");
  } finally {
    await client.end().catch(() => {});
  }
}

async function failure(
  client: pg.Client,
  request: MaintenanceRequest,
  e: PgError,
  done: (s: MaintenanceOutcome["status"], m: string, x?: Partial<MaintenanceOutcome>) => MaintenanceOutcome,
): Promise<MaintenanceOutcome> {
  const sqlstate = e.code && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  if (!sqlstate || sqlstate.startsWith("08")) {
    return done("unknown", "The connection was lost while the statement ran; the outcome is unknown. Re-read the state before retrying.");
  }
  if (sqlstate === "55P03") {
    const { rows } = await client
      .query(LOCK_HOLDERS, [request.relid, conflictingLockModes(request.kind)])
      .catch(() => ({ rows: [] as { pid: number }[] }));
    const blockedBy = rows.map((r) => r.pid);
    const who = blockedBy.length ? `pid ${blockedBy.join(", pid ")}` : "a session that has since released its lock";
    return done("blocked", `Blocked by ${who}: gave up after lock_timeout ${request.lockTimeoutMs} ms; nothing was changed and nothing is left waiting.`, {
      sqlstate,
      blockedBy,
    });
  }
  if (sqlstate === "57014") return done("cancelled", "Cancelled while running.", { sqlstate });
  if (sqlstate === "25006" || /during recovery/i.test(e.message)) {
    return done("refused", `The server is a standby: ${e.message}`, { sqlstate });
  }
  const reindexNote = request.kind.startsWith("reindex")
    ? " A failed REINDEX CONCURRENTLY can leave an invalid index named *_ccnew behind: it shows under invalid indexes."
    : "";
  if (sqlstate === "42501") return done("failed", `Not permitted: ${e.message}.${reindexNote}`, { sqlstate });
  return done("failed", `PostgreSQL error ${sqlstate}: ${e.message}.${reindexNote}`, { sqlstate });
}

// pg_stat_progress_analyze is PG 13+; every supported server here is 14+. VACUUM FULL reports in
// pg_stat_progress_cluster. pg_blocking_pids only for a waiting job: it locks the lock manager.
const PROGRESS = /* sql */ `
  SELECT a.state = 'active' AS running,
         CASE WHEN a.wait_event_type = 'Lock' THEN pg_blocking_pids(a.pid) ELSE '{}'::int[] END AS waiting_on,
         v.phase AS v_phase, v.heap_blks_total AS v_total, v.heap_blks_scanned AS v_scanned, v.heap_blks_vacuumed AS v_vacuumed,
         an.phase AS a_phase, an.sample_blks_total AS a_total, an.sample_blks_scanned AS a_done,
         ci.phase AS i_phase, ci.blocks_total AS i_total, ci.blocks_done AS i_done,
         cl.phase AS c_phase, cl.heap_blks_total AS c_total, cl.heap_blks_scanned AS c_done
    FROM pg_stat_activity a
    LEFT JOIN pg_stat_progress_vacuum v ON v.pid = a.pid
    LEFT JOIN pg_stat_progress_analyze an ON an.pid = a.pid
    LEFT JOIN pg_stat_progress_create_index ci ON ci.pid = a.pid
    LEFT JOIN pg_stat_progress_cluster cl ON cl.pid = a.pid
   WHERE a.pid = $1`;

/** Progress of a running job by its backend pid (phase, blocks done/total, %). */
export async function maintenanceProgress(db: Queryable, pid: number): Promise<MaintenanceProgress> {
  const r = (await db.query(PROGRESS, [pid])).rows[0];
  const none = { pid, command: null, phase: null, blocksDone: null, blocksTotal: null, percent: null };
  if (!r) return { ...none, waitingOn: [], running: false };
  const pick = (): Omit<MaintenanceProgress, "waitingOn" | "running"> => {
    if (r.v_phase) {
      const doneBlocks = r.v_phase === "vacuuming heap" ? r.v_vacuumed : r.v_scanned;
      return { pid, command: "vacuum", phase: r.v_phase, blocksDone: doneBlocks, blocksTotal: r.v_total, percent: null };
    }
    if (r.c_phase) return { pid, command: "cluster", phase: r.c_phase, blocksDone: r.c_done, blocksTotal: r.c_total, percent: null };
    if (r.i_phase) return { pid, command: "create_index", phase: r.i_phase, blocksDone: r.i_done, blocksTotal: r.i_total, percent: null };
    if (r.a_phase) return { pid, command: "analyze", phase: r.a_phase, blocksDone: r.a_done, blocksTotal: r.a_total, percent: null };
    return none;
  };
  const p = pick();
  const percent = p.blocksTotal && p.blocksDone !== null ? Math.min(100, (100 * p.blocksDone) / p.blocksTotal) : null;
  return { ...p, percent, waitingOn: r.waiting_on ?? [], running: r.running === true };
}

/**
 * Cancels a job, guarded by identity (pid + backend_start): a reused pid is never signalled.
 * pg_cancel_backend returns false with a WARNING for a gone pid, which is "gone", not success.
 */
export async function cancelMaintenance(db: Queryable, pid: number, backendStart: string): Promise<"cancelled" | "gone"> {
  const { rows } = await db.query(
    /* sql */ `SELECT pg_cancel_backend(pid) AS sent FROM pg_stat_activity WHERE pid = $1 AND backend_start = $2::timestamptz`,
    [pid, backendStart],
  );
  return rows[0]?.sent === true ? "cancelled" : "gone";
}
