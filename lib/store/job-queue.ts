import "server-only";
import pg from "pg";
import type { MaintenanceOutcome, MaintenanceStatus } from "@/lib/schemas/maintenance";
import { store, storeClientConfig } from "./db";
import { COLUMNS, toJob, type JobRow } from "./jobs";

// The worker's side of maintenance_jobs. Queue discipline: a replica first takes the session
// advisory lock of (server, database) on a dedicated store connection, and only then claims the
// oldest queued row of that database; it keeps the lock until that database's queue is empty.
// Hence at most one job per database runs across all replicas, and a 'running' row whose lock is
// free belongs to a process that stopped: the replica that gets the lock next re-attaches it
// (lib/jobs/orphans.ts) — one replica, because only one holds the lock.

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

/** Databases with queued or running jobs (running ones may be orphans to re-attach). */
export async function activeQueues(): Promise<{ server: string; database: string }[]> {
  const { rows } = await (await store()).query(/* sql */ `SELECT DISTINCT server, database FROM maintenance_jobs WHERE state <> 'done'`);
  return rows;
}

export async function tryQueueLock(c: QueueLock, server: string, database: string): Promise<boolean> {
  const { rows } = await c.query(`SELECT pg_try_advisory_lock(${LOCK_KEY}) AS ok`, [server, database]);
  return rows[0].ok === true;
}

export async function releaseQueueLock(c: QueueLock, server: string, database: string): Promise<void> {
  await c.query(`SELECT pg_advisory_unlock(${LOCK_KEY})`, [server, database]);
}

/**
 * With the lock held: this database's 'running' rows, whose process stopped, now watched by
 * `owner`. The previous owner is kept in the message for people reading the history.
 */
export async function reattachOrphans(c: QueueLock, server: string, database: string, owner: string): Promise<JobRow[]> {
  const { rows } = await c.query(
    /* sql */ `WITH j AS (
                 UPDATE maintenance_jobs SET owner = $3, reattached_at = clock_timestamp(),
                        message = 'The console process that started it (' || coalesce(owner, '?') || ') stopped; re-attached by ' || $3 || '.'
                  WHERE server = $1 AND database = $2 AND state = 'running' RETURNING *)
               SELECT ${COLUMNS} FROM j ORDER BY j.id`,
    [server, database, owner],
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

export interface JobBackendRecord {
  pid: number;
  backendStart: string;
  statement: string;
  tag: string;
  relationBytes: number | null;
}

/** The job's backend is known (before its statement is sent). Returns whether a cancel was requested first. */
export async function markJobBackend(id: number, b: JobBackendRecord): Promise<boolean> {
  const { rows } = await (await store()).query(
    /* sql */ `UPDATE maintenance_jobs SET backend_pid = $2, backend_start = $3::timestamptz, statement = $4, tag = $5, relation_bytes = $6
               WHERE id = $1 RETURNING cancel_requested_at IS NOT NULL AS cancel`,
    [id, b.pid, b.backendStart, b.statement, b.tag, b.relationBytes],
  );
  return rows[0]?.cancel === true;
}

/** Whether a cancel was requested and whether a signal was already delivered (the watcher's poll). */
export async function cancelState(id: number): Promise<{ requested: boolean; sent: boolean }> {
  const { rows } = await (await store()).query(
    /* sql */ `SELECT cancel_requested_at IS NOT NULL AS requested, cancel_sent_at IS NOT NULL AS sent FROM maintenance_jobs WHERE id = $1`,
    [id],
  );
  return { requested: rows[0]?.requested === true, sent: rows[0]?.sent === true };
}

export async function finishJob(id: number, o: MaintenanceOutcome): Promise<JobRow> {
  const { rows } = await (await store()).query(
    /* sql */ `WITH j AS (
                 UPDATE maintenance_jobs SET state = 'done', outcome = $2, finished_at = clock_timestamp(),
                        statement = coalesce($3, statement), message = $4, sqlstate = $5, notices = $6, blocked_by = $7, result = $8
                  WHERE id = $1 RETURNING *)
               SELECT ${COLUMNS} FROM j`,
    [
      id,
      o.status,
      o.statement,
      o.message,
      o.sqlstate ?? null,
      JSON.stringify(o.notices.slice(0, 500)),
      o.blockedBy ?? null,
      o.result ? JSON.stringify(o.result) : o.advice ? JSON.stringify(o.advice) : null,
    ],
  );
  return toJob(rows[0]);
}

/** Ends a re-attached job whose backend is gone, with what could be learned about its end. */
export async function finishOrphan(id: number, outcome: MaintenanceStatus, message: string): Promise<JobRow | null> {
  const { rows } = await (await store()).query(
    /* sql */ `WITH j AS (
                 UPDATE maintenance_jobs SET state = 'done', outcome = $2, finished_at = clock_timestamp(), message = $3
                  WHERE id = $1 AND state = 'running' RETURNING *)
               SELECT ${COLUMNS} FROM j`,
    [id, outcome, message],
  );
  return rows[0] ? toJob(rows[0]) : null;
}
