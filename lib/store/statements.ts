import "server-only";
import type { Counters } from "@/lib/monitoring/statement-deltas";
import { store } from "./db";
import { ensurePartitions } from "./metrics";

// pg_stat_statements history in the store: per-interval deltas of the statements that ran, one
// row per snapshot, and the redacted normalized texts (see *_statement-snapshots.sql).

const NO_PARTITION = "23514";

const INSERT_SNAPSHOT = /* sql */ `
  WITH snap AS (
    INSERT INTO metric_statement_snapshots (server, at, has_deltas, entries, max_entries, hidden, dealloc_delta, stats_reset, reset_seen)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
    ON CONFLICT DO NOTHING
    RETURNING 1
  )
  INSERT INTO metric_statement_samples
  SELECT $1, $2, r.queryid, r.datname, r.username, r.toplevel, r.calls, r.exec_ms, r.plan_ms, r.rows,
         r.shared_blks_hit, r.shared_blks_read, r.temp_blks, r.wal_bytes, r.blk_read_ms
    FROM jsonb_to_recordset($10::jsonb) AS r(queryid bigint, datname text, username text, toplevel boolean,
           calls bigint, exec_ms float8, plan_ms float8, rows bigint, shared_blks_hit bigint, shared_blks_read bigint,
           temp_blks bigint, wal_bytes numeric, blk_read_ms float8)
   WHERE EXISTS (SELECT FROM snap)`;

const INSERT_TEXTS = /* sql */ `
  INSERT INTO metric_statement_texts (server, queryid, query)
  SELECT $1, t.queryid, t.query FROM jsonb_to_recordset($2::jsonb) AS t(queryid bigint, query text)
  ON CONFLICT DO NOTHING`;

// Asked per snapshot for the statements that ran (not cached in memory): a text pruned by the
// retention step, or stored by another replica, is then seen as it is in the store.
const MISSING_TEXTS = /* sql */ `
  SELECT q::text AS queryid FROM unnest($2::bigint[]) q
   WHERE NOT EXISTS (SELECT FROM metric_statement_texts t WHERE t.server = $1 AND t.queryid = q)`;
const PRUNE_TEXTS = /* sql */ `SELECT pgwarden_statement_texts_prune($1) AS n`;
const LAST_SNAPSHOTS = /* sql */ `
  SELECT server, (extract(epoch FROM max(at)) * 1000)::float8 AS at FROM metric_statement_snapshots
   WHERE server = ANY($1) AND at > now() - interval '1 day' GROUP BY server`;

export interface SnapshotRow {
  at: number;
  hasDeltas: boolean;
  entries: number;
  maxEntries: number | null;
  hidden: number;
  deallocDelta: number | null;
  statsReset: string | null;
  resetSeen: boolean;
}

async function withPartitions<T>(at: number, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if ((err as { code?: string }).code !== NO_PARTITION) throw err;
    await ensurePartitions(2, at);
    return write();
  }
}

/** Stores one snapshot and its deltas in one statement (both or neither). */
export async function insertStatementSnapshot(server: string, s: SnapshotRow, deltas: Counters[]): Promise<void> {
  const params = [
    server, new Date(s.at), s.hasDeltas, s.entries, s.maxEntries, s.hidden, s.deallocDelta, s.statsReset, s.resetSeen,
    JSON.stringify(deltas),
  ];
  await withPartitions(s.at, async () => (await store()).query(INSERT_SNAPSHOT, params));
}

export async function insertStatementTexts(server: string, texts: { queryid: string; query: string }[]): Promise<void> {
  if (texts.length) await (await store()).query(INSERT_TEXTS, [server, JSON.stringify(texts)]);
}

/** The queryids among `queryids` that have no stored text. */
export async function missingStatementTexts(server: string, queryids: string[]): Promise<string[]> {
  if (!queryids.length) return [];
  return (await (await store()).query(MISSING_TEXTS, [server, queryids])).rows.map((r) => r.queryid as string);
}

/**
 * Deletes the texts that no delta or rollup references any more (their statements have not run
 * within the history's retention); texts first seen within `keepDays` stay. Part of the retention
 * step, after old partitions are dropped. Returns how many went.
 */
export async function pruneStatementTexts(keepDays = 1): Promise<number> {
  return Number((await (await store()).query(PRUNE_TEXTS, [keepDays])).rows[0]?.n ?? 0);
}

export async function lastStatementSnapshots(servers: string[]): Promise<Map<string, number | null>> {
  const rows = (await (await store()).query(LAST_SNAPSHOTS, [servers])).rows as { server: string; at: number }[];
  const m = new Map<string, number | null>(servers.map((s) => [s, null]));
  for (const r of rows) m.set(r.server, r.at);
  return m;
}
