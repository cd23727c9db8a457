import "server-only";
import type { StatementSort } from "@/lib/schemas/statements";
import { store } from "./db";
import { partsParams, planWindow, WINDOW_PARTS } from "./statement-rollups";

// Reads of the pg_stat_statements history: the top statements of a window (sums of the stored
// per-interval deltas) and one statement's points. A window (from, to] takes the snapshots taken
// in it, each of which holds what ran since the snapshot before. The top list sums rollups where
// whole rolled-up buckets fit and raw deltas elsewhere (statement-rollups.ts): exact for any window.

// Allow-list: the sort is never text from the request.
const ORDER: Record<StatementSort, string> = {
  total: "total_ms DESC",
  mean: "total_ms / nullif(calls, 0) DESC NULLS LAST",
  calls: "calls DESC",
  rows: "rows DESC",
  read: "shared_blks_read DESC",
  temp: "temp_blks DESC",
  wal: "wal_bytes DESC NULLS LAST",
};

function topSql(sort: StatementSort): string {
  return /* sql */ `
  WITH ${WINDOW_PARTS}, w AS (
    -- Summed as float8, not as bigint/numeric (whose sums accumulate in numeric): 3-4 times faster
    -- over 75,000 rows, and exact while a sum stays below 2^53.
    SELECT queryid, datname, username, toplevel,
           sum(calls::float8) AS calls, sum(exec_ms) AS total_ms, sum(plan_ms) AS plan_ms, sum(rows::float8) AS rows,
           sum(shared_blks_hit::float8) AS shared_blks_hit, sum(shared_blks_read::float8) AS shared_blks_read,
           sum(temp_blks::float8) AS temp_blks, sum(wal_bytes::float8) AS wal_bytes
      FROM parts
     GROUP BY queryid, datname, username, toplevel
  ), ranked AS (
    SELECT *, count(*) OVER () AS n, sum(total_ms) FILTER (WHERE toplevel) OVER () AS all_ms FROM w
     ORDER BY ${ORDER[sort]}, queryid
     LIMIT $8
  ), names AS (
    -- the filters' choices, from the aggregated statements (never a DISTINCT over every delta row)
    SELECT array_agg(DISTINCT datname ORDER BY datname) AS databases, array_agg(DISTINCT username ORDER BY username) AS users FROM w
  )
  SELECT r.queryid::text AS queryid, r.datname, r.username, r.toplevel, r.calls, r.total_ms, r.plan_ms, r.rows,
         r.shared_blks_hit, r.shared_blks_read, r.temp_blks, r.wal_bytes, r.n::int AS n, coalesce(r.all_ms, 0) AS all_ms, t.query,
         names.databases, names.users
    FROM ranked r
    CROSS JOIN names
    LEFT JOIN metric_statement_texts t ON t.server = $1 AND t.queryid = r.queryid
   ORDER BY ${ORDER[sort]}, r.queryid`;
}
const TOP: Record<StatementSort, string> = Object.fromEntries(
  (Object.keys(ORDER) as StatementSort[]).map((s) => [s, topSql(s)]),
) as Record<StatementSort, string>;

const COVERAGE = /* sql */ `
  SELECT count(*) FILTER (WHERE at > $2)::int AS snapshots,
         sum(dealloc_delta) FILTER (WHERE at > $2)::float8 AS evicted,
         bool_or(dealloc_delta IS NOT NULL) FILTER (WHERE at > $2) AS has_dealloc,
         count(*) FILTER (WHERE at > $2 AND reset_seen)::int AS resets,
         max(max_entries) FILTER (WHERE at > $2) AS max_entries,
         (array_agg(hidden ORDER BY at DESC))[1] AS hidden,
         (extract(epoch FROM min(at)) * 1000)::float8 AS first_at
    FROM metric_statement_snapshots
   WHERE server = $1 AND at <= $3 AND at > $2 - interval '8 days'`;

export interface TopRow {
  queryid: string;
  datname: string;
  username: string;
  toplevel: boolean;
  calls: number;
  total_ms: number;
  plan_ms: number | null;
  rows: number;
  shared_blks_hit: number;
  shared_blks_read: number;
  temp_blks: number;
  wal_bytes: number | null;
  n: number;
  all_ms: number;
  query: string | null;
}

export interface Coverage {
  snapshots: number;
  evicted: number | null;
  has_dealloc: boolean | null;
  resets: number;
  max_entries: number | null;
  hidden: number | null;
  first_at: number | null;
}

export async function topStatements(
  server: string,
  w: { from: number; to: number; db?: string; user?: string; sort: StatementSort; limit: number },
): Promise<{ rows: TopRow[]; coverage: Coverage; databases: string[]; users: string[] }> {
  const db = await store();
  const range = [server, new Date(w.from), new Date(w.to)];
  const plan = await planWindow(db, server, w.from, w.to);
  const [top, cov] = await Promise.all([
    db.query(TOP[w.sort], [...partsParams(server, plan, w.db ?? null, w.user ?? null), w.limit]),
    db.query(COVERAGE, range),
  ]);
  return {
    rows: top.rows,
    coverage: cov.rows[0],
    databases: top.rows[0]?.databases ?? [],
    users: top.rows[0]?.users ?? [],
  };
}

// One statement's points in buckets of $4 seconds (the snapshots' own times when $4 ≤ interval).
const HISTORY = /* sql */ `
  SELECT (extract(epoch FROM to_timestamp(ceil(extract(epoch FROM at) / $4) * $4)) * 1000)::float8 AS at,
         sum(calls::float8) AS calls, sum(exec_ms) AS total_ms, sum(rows::float8) AS rows
    FROM metric_statement_samples
   WHERE server = $1 AND queryid = $2 AND at > $3 AND at <= $5 AND toplevel
     AND ($6::text IS NULL OR datname = $6) AND ($7::text IS NULL OR username = $7)
   GROUP BY 1 ORDER BY 1`;
const DETAIL_NAMES = /* sql */ `
  SELECT array_agg(DISTINCT datname ORDER BY datname) AS databases, array_agg(DISTINCT username ORDER BY username) AS users
    FROM metric_statement_samples WHERE server = $1 AND queryid = $2 AND at > $3`;
const TEXT = /* sql */ `SELECT query FROM metric_statement_texts WHERE server = $1 AND queryid = $2`;

export interface HistoryRow {
  at: number;
  calls: number;
  total_ms: number;
  rows: number;
}

export async function statementHistory(
  server: string,
  queryid: string,
  w: { from: number; to: number; stepS: number; db?: string; user?: string },
): Promise<{ points: HistoryRow[]; databases: string[]; users: string[] }> {
  const db = await store();
  const [h, n] = await Promise.all([
    db.query(HISTORY, [server, queryid, new Date(w.from), w.stepS, new Date(w.to), w.db ?? null, w.user ?? null]),
    db.query(DETAIL_NAMES, [server, queryid, new Date(w.from)]),
  ]);
  return { points: h.rows, databases: n.rows[0]?.databases ?? [], users: n.rows[0]?.users ?? [] };
}

export async function storedStatementText(server: string, queryid: string): Promise<string | null> {
  return ((await (await store()).query(TEXT, [server, queryid])).rows[0]?.query as string | undefined) ?? null;
}
