import "server-only";
import type { Job, JobCommand } from "@/lib/schemas/jobs";
import { store } from "./db";

// The maintenance_jobs table (migrations 1767312000000, 1767744000000): rows as the pages see them,
// queueing and cancel requests. The worker's side (queue lock, claim, finish, orphans) is in
// job-queue.ts.

export const COLUMNS = /* sql */ `
  j.id, j.server, j.database, j.relation_oid, j.relation_name, j.command, j.options, j.lock_timeout_ms,
  j.state, j.outcome, j.user_name, j.queued_at, j.started_at, j.finished_at, j.backend_pid,
  to_char(j.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS backend_start,
  j.statement, j.message, j.sqlstate, j.notices, j.blocked_by, j.cancel_requested_at, j.audit_intent_id,
  j.cancel_sent_at, j.reattached_at, j.tag, j.relation_bytes, j.result,
  (extract(epoch FROM coalesce(j.finished_at, clock_timestamp()) - j.started_at) * 1000)::float8 AS elapsed_ms,
  CASE WHEN j.state = 'queued' THEN
    (SELECT count(*) FROM maintenance_jobs a
      WHERE a.server = j.server AND a.database = j.database AND a.state <> 'done' AND a.id < j.id)::int
  END AS ahead`;

export interface JobRow extends Omit<Job, "progress" | "progressError"> {
  auditIntentId: number | null;
  /** bloat_exact: the size it reads, for its progress */
  relationBytes: number | null;
}

const iso = (v: Date | null) => (v ? v.toISOString() : null);

export interface RawJob {
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
  cancel_sent_at: Date | null;
  reattached_at: Date | null;
  tag: string | null;
  relation_bytes: number | string | null;
  result: Job["result"] | Job["advice"];
  ahead: number | null;
  audit_intent_id: number | string | null;
}

export function toJob(r: RawJob): JobRow {
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
    cancelSent: r.cancel_sent_at !== null,
    reattachedAt: iso(r.reattached_at),
    tag: r.tag,
    ahead: r.ahead ?? null,
    // One jsonb column: pgstattuple's figures for bloat_exact, the vacuum advisor's for VACUUM.
    result: r.result && !("kind" in r.result && r.result.kind === "vacuum_advice") ? r.result : null,
    advice: r.result && "kind" in r.result && r.result.kind === "vacuum_advice" ? r.result : null,
    auditIntentId: r.audit_intent_id === null ? null : Number(r.audit_intent_id),
    relationBytes: r.relation_bytes === null ? null : Number(r.relation_bytes),
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

/**
 * Records that someone asked to cancel a running job. The worker watching the job (the one that
 * runs it, or the one that re-attached it) delivers the signal too, so a request made before the
 * statement starts, or on another replica, is not lost.
 */
export async function markCancelRequested(id: number, by: string): Promise<void> {
  await (await store()).query(
    /* sql */ `UPDATE maintenance_jobs SET cancel_requested_at = coalesce(cancel_requested_at, clock_timestamp()), cancel_requested_by = $2
               WHERE id = $1 AND state = 'running'`,
    [id, by],
  );
}

/** A cancel signal reached the job's backend. */
export async function markCancelSent(id: number): Promise<void> {
  await (await store()).query(
    /* sql */ `UPDATE maintenance_jobs SET cancel_sent_at = coalesce(cancel_sent_at, clock_timestamp()) WHERE id = $1`,
    [id],
  );
}

/** Per relation: the latest finished exact read and the latest one queued or running. */
export async function exactBloatJobs(server: string, database: string, relids: number[]): Promise<JobRow[]> {
  const { rows } = await (await store()).query(
    /* sql */ `SELECT DISTINCT ON (j.relation_oid, j.state = 'done') ${COLUMNS} FROM maintenance_jobs j
               WHERE j.server = $1 AND j.database = $2 AND j.relation_oid = ANY($3::int8[]) AND j.command = 'bloat_exact'
               ORDER BY j.relation_oid, j.state = 'done', j.id DESC`,
    [server, database, relids],
  );
  return rows.map(toJob);
}
