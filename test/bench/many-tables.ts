// Creates a database with many tables (2 indexes each: primary key + one secondary, and a TOAST
// table), the shape ARCHITECTURE §3 measures catalog work on (10,000 tables / 20,000 indexes).
// DDL is generated server-side in DO blocks, in batches: one transaction per batch because every
// new relation holds a lock until commit ("out of shared memory" past ~8,000 in one transaction).
import pg from "pg";

const BATCH = 500;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, application_name: "pgwarden-bench" });
  c.on("error", () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Drops and creates `database`; returns its URL. */
export async function createBenchDatabase(serverUrl: string, database: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(database)) throw new Error("bench database names are lower-case identifiers");
  await withClient(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${database}`);
  });
  return withDatabase(serverUrl, database);
}

/**
 * Adds tables bench_<from> … bench_<to-1> to the database at `dbUrl`, each with a few rows,
 * a primary key and an index on (n, v). Runs up to 2 batches in parallel (2 cores).
 */
export async function addTables(dbUrl: string, from: number, to: number): Promise<void> {
  const batches: [number, number][] = [];
  for (let i = from; i < to; i += BATCH) batches.push([i, Math.min(to, i + BATCH)]);
  const worker = async () => {
    await withClient(dbUrl, async (c) => {
      for (let b = batches.shift(); b; b = batches.shift()) {
        await c.query(
          `DO $$
           BEGIN
             FOR i IN ${b[0]}..${b[1] - 1} LOOP
               EXECUTE format('CREATE TABLE bench_%s (id int PRIMARY KEY, n int, v text)', i);
               EXECUTE format('CREATE INDEX bench_%s_n_v ON bench_%s (n, v)', i, i);
               EXECUTE format('INSERT INTO bench_%s SELECT g, g %% 10, md5(g::text) FROM generate_series(1, 20) g', i);
             END LOOP;
           END $$`,
        );
      }
    });
  };
  await Promise.all([worker(), worker()]);
}

/** ANALYZE everything so pg_stats has rows for every column (the bloat estimate joins them). */
export async function analyzeAll(dbUrl: string): Promise<void> {
  await withClient(dbUrl, (c) => c.query("ANALYZE"));
}

/** A database with `tables` tables and 2 × `tables` indexes, analyzed. */
export async function createManyTables(serverUrl: string, database: string, tables = 10_000): Promise<string> {
  const url = await createBenchDatabase(serverUrl, database);
  await addTables(url, 0, tables);
  await analyzeAll(url);
  return url;
}

/**
 * Tables t_<from> … t_<to-1> in ONE statement (a DO loop): each with a serial primary key (so a
 * sequence), a secondary index and a few rows — 10,000 tables make 20,000 indexes and 10,000
 * sequences, the shape issue 11 measured. One transaction holds a lock per new relation until
 * commit: the server needs max_locks_per_transaction × max_connections above ~6 per table.
 */
export async function addSerialTables(dbUrl: string, from: number, to: number): Promise<void> {
  await withClient(dbUrl, (c) =>
    c.query(
      `DO $$
       BEGIN
         FOR i IN ${from}..${to - 1} LOOP
           EXECUTE format('CREATE TABLE t_%s (id serial PRIMARY KEY, n int, v text)', i);
           EXECUTE format('CREATE INDEX t_%s_n ON t_%s (n)', i, i);
           EXECUTE format('INSERT INTO t_%s (n, v) SELECT g %% 10, md5(g::text) FROM generate_series(1, 20) g', i);
         END LOOP;
       END $$`,
    ),
  );
  await withClient(dbUrl, (c) => c.query("ANALYZE"));
}
