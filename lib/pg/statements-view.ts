import "server-only";
import pg from "pg";
import { env } from "@/lib/config/env";
import type { Role } from "@/lib/auth/permissions";
import { slowerSince } from "@/lib/monitoring/slower-since";
import {
  WINDOW_MS,
  type StatementDetail,
  type StatementHistoryQuery,
  type StatementsMissing,
  type StatementsQuery,
  type StatementsResponse,
} from "@/lib/schemas/statements";
import { statementHistory, storedStatementText, topStatements } from "@/lib/store/statement-reads";
import { queryTextFor } from "./query-text";
import { coalescedRead } from "./run";
import { statementParams, statementTables } from "./statement-tables";
import type { Queryable } from "./types";

// The Queries area's entry points (issue 13). Top statements and a statement's history are read
// from the console's store (the sampler's snapshots): no query reaches the monitored server, except
// the small probe that explains a missing pg_stat_statements.

const PROBE = /* sql */ `
  SELECT current_setting('shared_preload_libraries') ~ '(^|[\\s,])"?pg_stat_statements"?($|[\\s,])' AS preloaded,
         EXISTS (SELECT FROM pg_extension WHERE extname = 'pg_stat_statements') AS installed,
         EXISTS (SELECT FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available,
         pg_has_role(current_user, 'pg_read_all_stats', 'USAGE') AS read_all,
         current_user AS role_name, current_database() AS database`;

async function probe(db: Queryable) {
  const r = (await db.query(PROBE)).rows[0];
  let readable = false;
  if (r.installed && r.preloaded) {
    await db.query("SAVEPOINT pgwarden_pss");
    try {
      await db.query(/* sql */ `SELECT 1 FROM pg_stat_statements LIMIT 1`);
      readable = true;
    } catch {
      await db.query("ROLLBACK TO SAVEPOINT pgwarden_pss");
    }
  }
  return { ...r, readable } as { preloaded: boolean; installed: boolean; available: boolean; read_all: boolean; role_name: string; database: string; readable: boolean };
}

/** Pure: what is missing and the steps that would give the page its data. */
export function missingSteps(p: Awaited<ReturnType<typeof probe>>): StatementsMissing | null {
  const role = pg.escapeIdentifier(p.role_name);
  const steps: StatementsMissing["steps"] = [
    {
      title: "Load the module at server start: add pg_stat_statements to shared_preload_libraries (keep what is already listed), then restart PostgreSQL",
      sql: "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements';  -- or edit postgresql.conf; then restart",
      done: p.preloaded,
    },
    {
      title: `Create the extension in the database the console connects to (${p.database}), on the primary`,
      sql: "CREATE EXTENSION pg_stat_statements;",
      done: p.installed,
    },
    {
      title: "Let the console's role see every role's statements (without it, other roles' texts and queryids are hidden)",
      sql: `GRANT pg_read_all_stats TO ${role};`,
      done: p.read_all,
    },
  ];
  if (p.readable) return null;
  if (!p.available) return { reason: "not_available", message: "pg_stat_statements is not available on this server: install the PostgreSQL contrib package first.", steps };
  if (!p.preloaded) return { reason: "not_preloaded", message: "pg_stat_statements is not in shared_preload_libraries.", steps };
  if (!p.installed) return { reason: "not_installed", message: `The pg_stat_statements extension is not created in database ${p.database}.`, steps };
  return { reason: "not_permitted", message: "pg_stat_statements cannot be read by the console's role.", steps };
}

function windowOf(q: { window: keyof typeof WINDOW_MS; from?: number; to?: number }, now: number) {
  if (q.from !== undefined && q.to !== undefined) return { from: q.from, to: Math.min(q.to, now) };
  return { from: now - WINDOW_MS[q.window], to: now };
}

export async function topQueries(server: string, q: StatementsQuery, role: Role): Promise<StatementsResponse> {
  const now = Date.now();
  const { from, to } = windowOf(q, now);
  const [top, p] = await Promise.all([
    topStatements(server, { from, to, db: q.db, user: q.user, sort: q.sort, limit: q.limit }),
    // Only to explain an absence; a server that does not answer still has its history.
    coalescedRead({ server }, "statements-probe", probe).catch(() => null),
  ]);
  const c = top.coverage;
  let missing = p ? missingSteps(p) : null;
  if (!missing && c.first_at === null && p) {
    missing = {
      reason: "no_snapshots",
      message: `pg_stat_statements is readable; the sampler takes a snapshot every ${env().PGWARDEN_STATEMENTS_INTERVAL_S} s and statements appear from the second one.`,
      steps: missingSteps({ ...p, readable: false })!.steps,
    };
  }
  const rows = await queryTextFor(top.rows, role);
  const totalMs = rows[0]?.all_ms ?? 0;
  return {
    from,
    to,
    snapshots: c.snapshots,
    historyStartsAt: c.first_at,
    evicted: c.has_dealloc ? (c.evicted ?? 0) : null,
    maxEntries: c.max_entries,
    resets: c.resets,
    hidden: c.hidden,
    hiddenFix: c.hidden && p ? `GRANT pg_read_all_stats TO ${pg.escapeIdentifier(p.role_name)};` : null,
    total: rows[0]?.n ?? 0,
    totalMs,
    statements: rows.map((r) => ({
      queryid: r.queryid,
      datname: r.datname,
      username: r.username,
      toplevel: r.toplevel,
      query: r.query,
      calls: r.calls,
      totalMs: r.total_ms,
      meanMs: r.calls > 0 ? r.total_ms / r.calls : null,
      planMs: r.plan_ms,
      rows: r.rows,
      sharedBlksHit: r.shared_blks_hit,
      sharedBlksRead: r.shared_blks_read,
      tempBlks: r.temp_blks,
      walBytes: r.wal_bytes,
      share: totalMs > 0 && r.toplevel ? r.total_ms / totalMs : 0,
    })),
    databases: top.databases,
    users: top.users,
    missing,
    intervalS: env().PGWARDEN_STATEMENTS_INTERVAL_S,
    readAt: now,
  };
}

/** Bucket per window: every snapshot for 15 min and 1 h, then coarser so a chart has ≤ ~300 points. */
function stepFor(windowMs: number): number {
  const interval = env().PGWARDEN_STATEMENTS_INTERVAL_S;
  return Math.max(interval, Math.ceil(windowMs / 1000 / 300 / 60) * 60);
}

export async function statementDetail(server: string, queryid: string, q: StatementHistoryQuery, role: Role): Promise<StatementDetail> {
  const now = Date.now();
  const from = now - WINDOW_MS[q.window];
  const stepS = stepFor(now - from);
  const [h, stored] = await Promise.all([
    statementHistory(server, queryid, { from, to: now, stepS, db: q.db, user: q.user }),
    storedStatementText(server, queryid),
  ]);
  const query = (await queryTextFor([{ query: stored }], role))[0]?.query ?? null;
  const points = h.points.map((p) => ({ at: p.at, calls: p.calls, totalMs: p.total_ms, meanMs: p.calls > 0 ? p.total_ms / p.calls : null, rows: p.rows }));
  const calls = points.reduce((a, p) => a + p.calls, 0);
  const totalMs = points.reduce((a, p) => a + p.totalMs, 0);
  return {
    queryid,
    query,
    // From the stored text (redacted, literals already $n): table names are never secrets.
    tables: stored ? await statementTables(stored) : [],
    databases: h.databases,
    users: h.users,
    from,
    to: now,
    stepS,
    points,
    totals: { calls, totalMs, meanMs: calls > 0 ? totalMs / calls : null, rows: points.reduce((a, p) => a + p.rows, 0) },
    slowerSince: slowerSince(points),
    params: stored ? await statementParams(stored) : 0,
    readAt: now,
  };
}
