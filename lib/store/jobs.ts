import "server-only";
import pg from "pg";
import type { Job, JobCommand } from "@/lib/schemas/jobs";
import type { MaintenanceOutcome } from "@/lib/schemas/maintenance";
import { store, storeClientConfig } from "./db";

// The maintenance_jobs table (migration 1767312000000). Queue discipline: a replica first takes the
// session advisory lock of (server, database) on a dedicated store connection, and only then claims
// the oldest queued row of that database; it keeps the lock until that database's queue is empty.
// Hence at most one job per database runs across all replicas, and a 'running' row whose lock is
// free belongs to a process that died: reapOrphans() marks it unknown.

const COLUMNS = /* sql */ `
  j.id, j.server, j.database, j.relation_oid, j.relation_name, j.command, j.options, j.lock_timeout_ms,
  j.state, j.outcome, j.user_name, j.queued_at, j.started_at, j.finished_at, j.backend_pid,
  to_char(j.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS backend_start,
  j.statement, j.message, j.sqlstate, j.notices, j.blocked_by, j.cancel_requested_at, j.audit_intent_id,
  (extract(epoch FROM coalesce(j.finished_at, clock_timestamp()) - j.started_at) * 1000)::float8 AS elapsed_ms,
  CASE WHEN j.state = 'queued' THEN
    (SELECT count(*) FROM maintenance_jobs a
      WHERE a.server = j.server AND a.database = j.database AND a.state <> 'done' AND a.id < j.id)::int
  END AS ahead`;

export interface JobRow extends Omit<Job, "progress" | "progressError"> {
  auditIntentId: number | null;
}

const iso = (v: Date | null) => (v ? v.toISOString() : null);

interface RawJob {
  id: number | string;
  server: string;
  database: string;
  relation_oid: number | string;
  relation_name: string;
  command: JobCommand;
  options: Record<string, unknown> | null;
  lock_timeout_ms: number;
  state: Job["state"];
  outcome: Job["outcome"];
  user_name: string | null;
  queued_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  elapsed_ms: number | null;
  backend_pid: number | null;
  backend_start: string | null;
  statement: string | null;
  message: string | null;
  sqlstate: string | null;
  notices: Job["notices"] | null;
  blocked_by: number[] | null;
  cancel_requested_at: Date | null;
  ahead: number | null;
  audit_intent_id: number | string | null;
}

function toJob(r: RawJob): JobRow {
  return {
    id: Number(r.id),
    server: r.server,
    database: r.database,
    relid: Number(r.relation_oid),
    relation: r.relation_name,
    command: r.command,
    options: r.options ?? {},
    lockTimeoutMs: r.lock_timeout_ms,
    state: r.state,
    outcome: r.outcome,
    user: r.user_name,
    queuedAt: r.queued_at.toISOString(),
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
    elapsedMs: r.started_at && r.elapsed_ms !== null ? Math.max(0, Math.round(r.elapsed_ms)) : null,
    pid: r.backend_pid,
    backendStart: r.backend_start,
    statement: r.statement,
    message: r.message,
    sqlstate: r.sqlstate,
    notices: r.notices ?? [],
    blockedBy: r.blocked_by ?? [],
    cancelRequested: r.cancel_requested_at !== null,
    ahead: r.ahead ?? null,
    auditIntentId: r.audit_intent_id === null ? null : Number(r.audit_intent_id),
  };
}

export interface NewJob {
  user: { id: number; name: string };
  role: string;
  client: string | null;
  server: string;
  database: string;
  relid: number;
  relation: string;
  command: JobCommand;
  options: Record<string, unknown>;
  lockTimeoutMs: number;
  auditIntentId: number;
  /** set when the job is decided before it can run (a standby): stored as done */
  refused?: string;
}

const INSERT = /* sql */ `
  WITH j AS (
    INSERT INTO maintenance_jobs (user_id, user_name, role, client_addr, server, database, relation_oid, relation_name,
                                  command, options, lock_timeout_ms, audit_intent_id, state, outcome, message, finished_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
            CASE WHEN $13::text IS NULL THEN 'queued' ELSE 'done' END,
            CASE WHEN $13::text IS NULL THEN NULL ELSE 'refused' END, $13,
            CASE WHEN $13::text IS NULL THEN NULL ELSE clock_timestamp() END)
    RETURNING *
  )
  SELECT ${COLUMNS} FROM j`;

export async function insertJob(n: NewJob): Promise<JobRow> {
  const { rows } = await (await store()).query(INSERT, [
    n.user.id,
    n.user.name,
    n.role,
    n.client,
    n.server,
    n.database,
    n.relid,
    n.relation,
    n.command,
    JSON.stringify(n.options),
    n.lockTimeoutMs,
    n.auditIntentId,
    n.refused ?? null,
  ]);
  return toJob(rows[0]);
}

/** Unfinished jobs first (oldest first), then history (newest first). */
export async function jobRows(server: string, database: string | undefined, limit: number): Promise<JobRow[]> {
  const { rows } = await (await store()).query(
    /* sql */ `SELECT ${COLUMNS} FROM maintenance_jobs j
               WHERE j.server = $1 AND ($2::text IS NULL OR j.database = $2)
               ORDER BY (j.state = 'done'), CASE WHEN j.state = 'done' THEN -j.id ELSE j.id END
               LIMIT $3`,
    [server, database ?? null, limit],
  );
  return rows.map(toJob);
}

export async function jobRow(server: string, id: number): Promise<JobRow | null> {
  const { rows } = await (await store()).query(/* sql */ `SELECT ${COLUMNS} FROM maintenance_jobs j WHERE j.server = $1 AND j.id = $2`, [server, id]);
  return rows[0] ? toJob(rows[0]) : null;
}

/** Databases with queued or running jobs (running ones may be orphans to reap). */
export async function activeQueues(): Promise<{ server: string; database: string }[]> {
  const { rows } = await (await store()).query(/* sql */ `SELECT DISTINCT server, database FROM maintenance_jobs WHERE state <> 'done'`);
  return rows;
}

/** Marks a queued job cancelled; null when it was no longer queued (claimed meanwhile). */
export async function cancelQueuedJob(id: number, by: string): Promise<JobRow | null> {
  const { rows } = await (await store()).query(
    /* sql */ `WITH j AS (
                 UPDATE maintenance_jobs SET state = 'done', outcome = 'cancelled', finished_at = clock_timestamp(),
                        cancel_requested_at = clock_timestamp(), cancel_requested_by = $2,
                        message = 'Cancelled before it started; nothing was run.'
                  WHERE id = $1 AND state = 'queued' RETURNING *)
               SELECT ${COLUMNS} FROM j`,
    [id, by],
  );
  return rows[0] ? toJob(rows[0]) : null;
}

/** Records that someone asked to cancel a running job (the worker also checks it once the pid is known). */
export async function markCancelRequested(id: number, by: string): Promise<void> {
  await (await store()).query(
    /* sql */ `UPDATE maintenance_jobs SET cancel_requested_at = coalesce(cancel_requested_at, clock_timestamp()), cancel_requested_by = $2
               WHERE id = $1 AND state = 'running'`,
    [id, by],
  );
}

// ---- the worker's side: a dedicated connection that holds the per-database advisory lock ----

export type QueueLock = pg.Client;

const LOCK_KEY = /* sql */ `hashtextextended('pgwarden-job:' || $1::text || '/' || $2::text, 0)`;

/** A connection of its own: a session advisory lock lives as long as the connection. */
export async function openQueueConnection(): Promise<QueueLock> {
  const client = new pg.Client({
    ...(await storeClientConfig()),
    application_name: "pgwarden-jobs",
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
  });
  client.on("error", () => {}); // a lost store connection surfaces on the next query
  await client.connect();
  return client;
}

export async function tryQueueLock(c: QueueLock, server: string, database: string): Promise<boolean> {
  const { rows } = await c.query(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`, [server, database]);
  return rows[0].ok === true;
}

export async function releaseQueueLock(c: QueueLock, server: string, database: string): Promise<void> {
  await c.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [server, database]);
}

/** With the lock held: 'running' rows of this database have no live owner. Returns them. */
export async function reapOrphans(c: QueueLock, server: string, database: string): Promise<JobRow[]> {
  const { rows } = await c.query(
    /* sql */ `WITH j AS (
                 UPDATE maintenance_jobs SET state = 'done', outcome = 'unknown', finished_at = clock_timestamp(),
                        message = 'The console process running this job stopped (' || coalesce(owner, '?') || '); whether the statement finished is unknown. Check the table before running it again.'
                  WHERE server = $1 AND database = $2 AND state = 'running' RETURNING *)
               SELECT ${COLUMNS} FROM j`,
    [server, database],
  );
  return rows.map(toJob);
}

/** With the lock held: takes the oldest queued job of this database. */
export async function claimNextJob(c: QueueLock, server: string, database: string, owner: string): Promise<JobRow | null> {
  const { rows } = await c.query(
    /* sql */ `WITH j AS (
                 UPDATE maintenance_jobs SET state = 'running', started_at = clock_timestamp(), owner = $3
                  WHERE id = (SELECT id FROM maintenance_jobs
                               WHERE server = $1 AND database = $2 AND state = 'queued'
                               ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
                  RETURNING *)
               SELECT ${COLUMNS} FROM j`,
    [server, database, owner],
  );
  return rows[0] ? toJob(rows[0]) : null;
}

/** The job's backend is known. Returns whether a cancel was requested before it was. */
export async function markJobBackend(id: number, pid: number, backendStart: string, statement: string): Promise<boolean> {
  const { rows } = await (await store()).query(
    /* sql */ `UPDATE maintenance_jobs SET backend_pid = $2, backend_start = $3::timestamptz, statement = $4
               WHERE id = $1 RETURNING cancel_requested_at IS NOT NULL AS cancel`,
    [id, pid, backendStart, statement],
  );
  return rows[0]?.cancel === true;
}

export async function finishJob(id: number, o: MaintenanceOutcome): Promise<JobRow> {
  const { rows } = await (await store()).query(
    /* sql */ `WITH j AS (
                 UPDATE maintenance_jobs SET state = 'done', outcome = $2, finished_at = clock_timestamp(),
                        statement = coalesce($3, statement), message = $4, sqlstate = $5, notices = $6, blocked_by = $7
                  WHERE id = $1 RETURNING *)
               SELECT ${COLUMNS} FROM j`,
    [id, o.status, o.statement, o.message, o.sqlstate ?? null, JSON.stringify(o.notices.slice(0, 500)), o.blockedBy ?? null],
  );
  return toJob(rows[0]);
}
