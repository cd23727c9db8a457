import "server-only";
import path from "node:path";
import { runner } from "node-pg-migrate";
import pg from "pg";
import { startCluster } from "@/lib/embedded/cluster";
import { assertStartupConfig } from "@/lib/auth/secret";
import type { Queryable } from "@/lib/pg/types";

// The console's own PostgreSQL: PGWARDEN_STORE_URL, or an embedded one kept in PGWARDEN_DATA_DIR.
// Lazily opened once per process (globalThis: Next may load this module in several bundles).

export const STORE_APP_ROLE = "pgwarden_store_app";
const EMBEDDED_DATABASE = "pgwarden";
const DEFAULT_EMBEDDED_PORT = 54329;

interface Store {
  pool: pg.Pool;
  url: string;
}

const g = globalThis as typeof globalThis & { __pgwardenStore?: Promise<Store> };

export function migrationsDir(): string {
  return path.join(process.cwd(), "lib/store/migrations");
}

/** Applies pending migrations (node-pg-migrate, SQL files); safe to call on every start. */
export async function migrateStore(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, application_name: "pgwarden-migrate" });
  client.on("error", () => {});
  await client.connect();
  try {
    const ran = await runner({
      dbClient: client,
      dir: migrationsDir(),
      direction: "up",
      migrationsTable: "pgmigrations",
      checkOrder: true,
      // Several replicas may start at once: wait for the one that holds the lock instead of failing.
      advisoryLockMode: "wait",
      log: () => {},
    });
    return ran.map((m) => m.name);
  } finally {
    await client.end().catch(() => {});
  }
}

async function canUseAppRole(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  client.on("error", () => {});
  await client.connect();
  try {
    const { rows } = await client.query(
      /* sql */ `SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = $1)
                    AND pg_has_role(current_user, (SELECT oid FROM pg_roles WHERE rolname = $1), 'MEMBER') AS ok`,
      [STORE_APP_ROLE],
    );
    return rows[0]?.ok === true;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates `name` on an existing server if missing; the demo can share its embedded cluster this way. */
export async function createStoreDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on("error", () => {});
  await client.connect();
  try {
    const { rowCount } = await client.query(/* sql */ `SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`).catch((err: { code?: string }) => {
        if (err.code !== "42P04") throw err; // created concurrently
      });
    }
  } finally {
    await client.end().catch(() => {});
  }
  const u = new URL(adminUrl);
  u.pathname = `/${encodeURIComponent(name)}`;
  return u.toString();
}

async function embeddedStoreUrl(): Promise<string> {
  const dataDir = path.resolve(/*turbopackIgnore: true*/ process.env.PGWARDEN_DATA_DIR || ".pgwarden/store");
  const port = Number(process.env.PGWARDEN_STORE_PORT || DEFAULT_EMBEDDED_PORT);
  const adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  // A previous console process (or a dev-server reload) may have left it running: reuse it.
  const probe = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2_000 });
  probe.on("error", () => {});
  const running = await probe.connect().then(
    () => true,
    () => false,
  );
  await probe.end().catch(() => {});
  if (!running) await startCluster({ dataDir, port, keep: true, settings: { shared_preload_libraries: "" } });
  return createStoreDatabase(adminUrl, EMBEDDED_DATABASE);
}

async function openStore(): Promise<Store> {
  assertStartupConfig();
  const url = process.env.PGWARDEN_STORE_URL || (await embeddedStoreUrl());
  await migrateStore(url);
  const useAppRole = await canUseAppRole(url);
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.PGWARDEN_STORE_POOL_MAX || 5),
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: "pgwarden-store",
    ...(useAppRole ? { options: `-c role=${STORE_APP_ROLE}` } : {}),
  });
  pool.on("error", () => {}); // an idle client's error (store restart) must not crash the console
  return { pool, url };
}

/** The store's pool, opened (and migrated) on first use. A failed open is retried on the next call. */
export function storePool(): Promise<pg.Pool> {
  g.__pgwardenStore ??= openStore().catch((err) => {
    g.__pgwardenStore = undefined;
    throw err;
  });
  return g.__pgwardenStore.then((s) => s.pool);
}

export async function store(): Promise<Queryable> {
  return storePool();
}

/** Tests point the process at another store between files. */
export async function closeStore(): Promise<void> {
  const s = g.__pgwardenStore;
  g.__pgwardenStore = undefined;
  if (s) await (await s.catch(() => undefined))?.pool.end().catch(() => {});
}
