// Creates storage situations for real (dead tuples, unused/duplicate/invalid indexes, bloat,
// tables with hostile names) and waits until the statistics show them.
import pg, { escapeIdentifier as ident } from "pg";
import { connect, waitFor } from "./pg";

export { ident };

/** A URL for the same server and database, logged in as another role. */
export function asRole(url: string, user: string, password: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = encodeURIComponent(password);
  return u.toString();
}

/** Runs `fn` with a short-lived client on `url`. */
export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = await connect(url, "pgwarden-test-fixture");
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function oidOf(c: pg.Client, schema: string, name: string): Promise<number> {
  const { rows } = await c.query(
    `SELECT c.oid::int8 AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, name],
  );
  if (!rows[0]) throw new Error(`no relation ${schema}.${name}`);
  return Number(rows[0].oid);
}

/**
 * A table of `rows` rows (id, payload of ~`width` chars) with autovacuum off, so the dead tuples
 * stay until the test looks. ANALYZEd before the delete so reltuples is the full row count.
 * Every `deleteEvery`-th row is then deleted (0 = none). Returns when the statistics show it.
 *
 * Each step runs on its own connection, closed before the next: a backend sends its pending
 * table counters when it exits (PG 14 otherwise only when a later command comes, ≥ 500 ms after
 * the last send), and an ANALYZE that overtook the INSERT's counters would count rows twice.
 */
export async function tableWithDeadRows(
  url: string,
  name: string,
  opts: { rows: number; deleteEvery: number; width?: number; schema?: string },
): Promise<void> {
  const q = `${ident(opts.schema ?? "public")}.${ident(name)}`;
  await withClient(url, async (c) => {
    await c.query(`CREATE TABLE ${q} (id int PRIMARY KEY, payload text NOT NULL) WITH (autovacuum_enabled = false)`);
    await c.query(`INSERT INTO ${q} SELECT g, left(repeat(md5(g::text), $2::int / 32 + 1), $2::int) FROM generate_series(1, $1::int) g`, [
      opts.rows,
      opts.width ?? 64,
    ]);
  });
  await waitForTableStats(url, name, (r) => r.n_live_tup >= opts.rows, `${name}'s inserted rows`);
  const deleted = opts.deleteEvery > 0 ? Math.floor(opts.rows / opts.deleteEvery) : 0;
  await withClient(url, async (c) => {
    await c.query(`ANALYZE ${q}`);
    if (deleted) await c.query(`DELETE FROM ${q} WHERE id % $1::int = 0`, [opts.deleteEvery]);
  });
  await waitForTableStats(url, name, (r) => r.n_dead_tup >= deleted && r.n_live_tup === opts.rows - deleted, `${name}'s dead rows`);
}

export interface StatsRow {
  n_live_tup: number;
  n_dead_tup: number;
  n_mod_since_analyze: number;
  last_vacuum: Date | null;
  last_analyze: Date | null;
  idx_scan: number | null;
}

/**
 * Waits until the cumulative statistics show `predicate` for the table. PG 15+ backends flush
 * stats when idle, at most once a second; PG 14 sends them to the collector asynchronously.
 */
export async function waitForTableStats(
  url: string,
  name: string,
  predicate: (row: StatsRow) => boolean,
  what: string,
) {
  return withClient(url, (c) =>
    waitFor(async () => {
      const { rows } = await c.query(
        `SELECT n_live_tup::int8, n_dead_tup::int8, n_mod_since_analyze::int8, last_vacuum, last_analyze, idx_scan::int8
           FROM pg_stat_user_tables WHERE relname = $1`,
        [name],
      );
      const r = rows[0];
      if (!r) return false;
      const row: StatsRow = {
        n_live_tup: Number(r.n_live_tup),
        n_dead_tup: Number(r.n_dead_tup),
        n_mod_since_analyze: Number(r.n_mod_since_analyze),
        last_vacuum: r.last_vacuum,
        last_analyze: r.last_analyze,
        idx_scan: r.idx_scan === null ? null : Number(r.idx_scan),
      };
      return predicate(row) ? row : false;
    }, what, 30_000, 100),
  );
}

export async function waitForIndexScans(url: string, index: string, min: number) {
  return withClient(url, (c) =>
    waitFor(async () => {
      const { rows } = await c.query(`SELECT idx_scan::int8 AS n FROM pg_stat_user_indexes WHERE indexrelname = $1`, [index]);
      return Number(rows[0]?.n ?? 0) >= min;
    }, `index ${index} scanned ${min}+ times`, 30_000, 100),
  );
}

/**
 * An INVALID index, made the way it happens in production: CREATE UNIQUE INDEX CONCURRENTLY over
 * duplicate values fails in its validation phase and leaves the index behind, marked invalid.
 */
export async function failedUniqueIndex(c: pg.Client, table: string, column: string, index: string): Promise<void> {
  const err = await c
    .query(`CREATE UNIQUE INDEX CONCURRENTLY ${ident(index)} ON ${ident(table)} (${ident(column)})`)
    .then(() => null, (e: Error & { code?: string }) => e);
  if (err?.code !== "23505") throw new Error(`expected a unique violation, got ${err ? err.message : "success"}`);
}

/** Runs a query that must use `index` (seq scans off for that statement) and returns its plan. */
export async function scanThroughIndex(c: pg.Client, sql: string): Promise<void> {
  await c.query("BEGIN");
  await c.query("SET LOCAL enable_seqscan = off");
  await c.query("SET LOCAL enable_bitmapscan = off");
  await c.query(sql);
  await c.query("COMMIT");
}

/**
 * Makes VACUUM in this database slow on purpose (cost-based delay: a few ms per page) so its
 * progress can be observed while it runs, on any machine. New sessions pick it up.
 */
export async function throttleVacuum(c: pg.Client, database: string): Promise<void> {
  await c.query(`ALTER DATABASE ${ident(database)} SET vacuum_cost_delay = '2ms'`);
  await c.query(`ALTER DATABASE ${ident(database)} SET vacuum_cost_limit = 1`);
}

/** Names that broke other consoles: quotes, spaces, capitals, non-ASCII, and an injection attempt. */
export const HOSTILE_TABLE_NAMES = [
  `x"; DROP TABLE t; --`,
  `O'Brien`,
  `with space`,
  `MixedCase`,
  `quote"inside`,
  "ünïcødé_表_テーブル",
  // 63 bytes of UTF-8: the longest name PostgreSQL keeps without truncating
  "é".repeat(31) + "x",
];
