import "server-only";
import type { Queryable } from "@/lib/pg/types";
import { store } from "./db";
import { ensurePartitions } from "./metrics";
import { bucketEnds, HOUR_MS, TEN_MIN_MS, windowPlan, type WindowPlan } from "./statement-window";

// 10-minute and hourly rollups of the pg_stat_statements deltas (see *_statement-rollups.sql), and
// the rows that answer a window: rollups where whole rolled-up buckets fit, raw deltas elsewhere
// (statement-window.ts). Rolled up by the statements collector right after it stores a snapshot.

const NO_PARTITION = "23514";

/** How far back a (re)started collector looks for buckets it has not rolled up yet. */
const CATCH_UP_MS = 2 * 86_400_000;
/** Buckets rolled per snapshot at most: a long gap is caught up over the next minutes. */
const MAX_TENS = 36;
const MAX_HOURS = 12;

const COUNTERS = "calls, exec_ms, plan_ms, rows, shared_blks_hit, shared_blks_read, temp_blks, wal_bytes, blk_read_ms";

/**
 * The rows of a window as a CTE named `parts` (one row per statement per rollup bucket or raw
 * delta), parameters $1 server, $2 hour ends, $3 10-minute ends, $4/$5 raw range bounds, $6/$7 the
 * database and user filters (NULL: all). Each raw range is its own index range scan (LATERAL, OFFSET 0).
 */
export const WINDOW_PARTS = /* sql */ `
  parts AS (
    SELECT queryid, datname, username, toplevel, ${COUNTERS}
      FROM metric_statement_rollups
     WHERE server = $1 AND span_s = 3600 AND at = ANY($2::timestamptz[])
       AND ($6::text IS NULL OR datname = $6) AND ($7::text IS NULL OR username = $7)
    UNION ALL
    SELECT queryid, datname, username, toplevel, ${COUNTERS}
      FROM metric_statement_rollups
     WHERE server = $1 AND span_s = 600 AND at = ANY($3::timestamptz[])
       AND ($6::text IS NULL OR datname = $6) AND ($7::text IS NULL OR username = $7)
    UNION ALL
    SELECT s.queryid, s.datname, s.username, s.toplevel, s.calls, s.exec_ms, s.plan_ms, s.rows, s.shared_blks_hit,
           s.shared_blks_read, s.temp_blks, s.wal_bytes, s.blk_read_ms
      FROM unnest($4::timestamptz[], $5::timestamptz[]) AS r(f, t)
     CROSS JOIN LATERAL (
       SELECT * FROM metric_statement_samples x
        WHERE x.server = $1 AND x.at > r.f AND x.at <= r.t
          AND ($6::text IS NULL OR x.datname = $6) AND ($7::text IS NULL OR x.username = $7)
       -- not pulled up into a join: with a database filter the planner would scan the whole day
       -- and join the ranges afterwards instead of one index range scan per range
       OFFSET 0
     ) s
  )`;

const MARKS = /* sql */ `
  SELECT span_s, (extract(epoch FROM at) * 1000)::float8 AS at FROM metric_statement_rollup_marks
   WHERE server = $1 AND at > $2 AND at <= $3`;

/** The parameters $1–$7 of WINDOW_PARTS for (from, to]. */
export function partsParams(server: string, plan: WindowPlan, db: string | null, user: string | null): unknown[] {
  const d = (ms: number) => new Date(ms);
  return [server, plan.hours.map(d), plan.tens.map(d), plan.raw.map((r) => d(r[0])), plan.raw.map((r) => d(r[1])), db, user];
}

/** Reads the marks in (from, to] and plans which rows answer the window (`tensOnly`: no hours). */
export async function planWindow(db: Queryable, server: string, from: number, to: number, tensOnly = false): Promise<WindowPlan> {
  const { rows } = await db.query(MARKS, [server, new Date(from), new Date(to)]);
  const marks = new Set((rows as { span_s: number; at: number }[]).map((r) => `${r.span_s * 1000}:${r.at}`));
  return windowPlan(from, to, (span, end) => (!tensOnly || span === TEN_MIN_MS) && marks.has(`${span}:${end}`));
}

// The bucket's mark and rows in one statement: both or neither, and a bucket rolled up twice (two
// replicas during a lease takeover) keeps the first one's rows ($8 span, $9 bucket end). Integer
// counters are summed as float8 (a numeric sum is several times slower; exact below 2^53).
const ROLL_UP = /* sql */ `
  WITH ${WINDOW_PARTS}, mark AS (
    INSERT INTO metric_statement_rollup_marks VALUES ($1, $8, $9) ON CONFLICT DO NOTHING RETURNING 1
  )
  INSERT INTO metric_statement_rollups
  SELECT $1, $8, $9, queryid, datname, username, toplevel, sum(calls::float8), sum(exec_ms), sum(plan_ms), sum(rows::float8),
         sum(shared_blks_hit::float8), sum(shared_blks_read::float8), sum(temp_blks::float8), sum(wal_bytes), sum(blk_read_ms)
    FROM parts
   WHERE EXISTS (SELECT FROM mark)
   GROUP BY queryid, datname, username, toplevel`;

const LAST_MARK = /* sql */ `
  SELECT (extract(epoch FROM max(at)) * 1000)::float8 AS at FROM metric_statement_rollup_marks
   WHERE server = $1 AND span_s = $2 AND at > $3`;
const FIRST_RAW = /* sql */ `
  SELECT floor(extract(epoch FROM min(at)) * 1000)::float8 AS at FROM metric_statement_samples WHERE server = $1 AND at > $2`;

async function rollUp(server: string, spanMs: number, end: number): Promise<void> {
  const db = await store();
  // An hour is summed from its 10-minute rollups (raw deltas for any not rolled up).
  const plan: WindowPlan =
    spanMs === HOUR_MS ? await planWindow(db, server, end - spanMs, end, true) : { hours: [], tens: [], raw: [[end - spanMs, end]] };
  const params = [...partsParams(server, plan, null, null), spanMs / 1000, new Date(end)];
  try {
    await db.query(ROLL_UP, params);
  } catch (err) {
    if ((err as { code?: string }).code !== NO_PARTITION) throw err;
    await ensurePartitions(1, end);
    await db.query(ROLL_UP, params);
  }
}

/** Where this process's rollups of a server stand: the last bucket end rolled (or skipped as empty), per span. */
export type RollupPosition = { tens: number; hours: number };

async function startOf(server: string, spanMs: number, now: number): Promise<number> {
  const db = await store();
  const since = new Date(now - CATCH_UP_MS);
  const last = (await db.query(LAST_MARK, [server, spanMs / 1000, since])).rows[0]?.at as number | null;
  if (last !== null && last !== undefined) return last;
  const first = (await db.query(FIRST_RAW, [server, since])).rows[0]?.at as number | null;
  // The bucket holding the first delta is the first to roll up: "after" is just before it. With no
  // delta at all, the buckets that ended are empty (reads find no raw rows there either): start
  // after them, rather than asking the store again at every snapshot of a quiet server.
  return first === null || first === undefined ? Math.floor((now - 1) / spanMs) * spanMs : first - 1;
}

/**
 * Rolls up the buckets that ended before `at` (the time of the snapshot just stored: every later
 * snapshot of this server is stored after it, by this lease holder). 10-minute buckets first, then
 * the hours those complete. Returns the new position.
 */
export async function rollUpStatements(server: string, at: number, pos: RollupPosition | undefined): Promise<RollupPosition> {
  const next: RollupPosition = pos ? { ...pos } : { tens: await startOf(server, TEN_MIN_MS, at), hours: await startOf(server, HOUR_MS, at) };
  for (const end of bucketEnds(next.tens, at - 1, TEN_MIN_MS, MAX_TENS)) {
    await rollUp(server, TEN_MIN_MS, end);
    next.tens = end;
  }
  for (const end of bucketEnds(next.hours, next.tens, HOUR_MS, MAX_HOURS)) {
    await rollUp(server, HOUR_MS, end);
    next.hours = end;
  }
  return next;
}
