import "server-only";
import path from "node:path";
import { runner } from "node-pg-migrate";
import pg from "pg";
import { startPrivateCluster } from "@/lib/embedded/private-cluster";
import { assertStartupConfig, isProduction } from "@/lib/auth/secret";
import { env } from "@/lib/config/env";
import type { Queryable } from "@/lib/pg/types";
import { StoreRefused, StoreUnavailable } from "./errors";
import { checkStoreLogin, provisionStore, STORE_APP_ROLE, STORE_OWNER_ROLE } from "./roles";

// The console's own PostgreSQL: PGWARDEN_STORE_URL (+ PGWARDEN_STORE_MIGRATION_URL for the schema
// owner), or an embedded one kept in PGWARDEN_DATA_DIR. The console itself always logs in as a
// non-superuser that does not own the tables (lib/store/roles.ts). Lazily opened once per process
// (globalThis: Next may load this module in several bundles).

export { STORE_APP_ROLE, STORE_OWNER_ROLE };
const EMBEDDED_DATABASE = "pgwarden";

interface Store {
  pool: pg.Pool;
  /** stops the embedded server if this process started it */
  stop: () => Promise<void>;
  /** the app login's settings, for dedicated connections (the job queue's advisory locks) */
  config: pg.ClientConfig;
}

interface StoreTarget {
  stop?: () => Promise<void>;
  app: pg.ClientConfig;
  migrate: pg.ClientConfig;
  /** SET ROLE for migrations (the embedded store migrates as its superuser acting as the owner) */
  migrateRole?: string;
}

const g = globalThis as typeof globalThis & { __pgwardenStore?: Promise<Store> };

export function migrationsDir(): string {
  return path.join(process.cwd(), "lib/store/schema");
}

/** Applies pending migrations (node-pg-migrate, SQL files) as the schema owner; safe on every start. */
export async function migrateStore(target: pg.ClientConfig | string, role?: string): Promise<string[]> {
  const config = typeof target === "string" ? { connectionString: target } : target;
  const client = new pg.Client({ ...config, application_name: "pgwarden-migrate" });
  client.on("error", () => {});
  await client.connect();
  try {
    // A dedicated connection, closed below: the session-level SET ROLE ends with it.
    if (role) await client.query(`SET ROLE ${pg.escapeIdentifier(role)}`);
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

async function embeddedStore(): Promise<StoreTarget> {
  const e = env();
  const cluster = await startPrivateCluster({ dataDir: path.resolve(/*turbopackIgnore: true*/ e.PGWARDEN_DATA_DIR), port: e.PGWARDEN_STORE_PORT });
  await provisionStore(cluster.superuser, { database: EMBEDDED_DATABASE, appPassword: cluster.secrets.appPassword });
  return {
    stop: () => cluster.stop(),
    app: cluster.config(STORE_APP_ROLE, cluster.secrets.appPassword, EMBEDDED_DATABASE),
    migrate: { ...cluster.superuser, database: EMBEDDED_DATABASE },
    migrateRole: STORE_OWNER_ROLE,
  };
}

function externalStore(): StoreTarget | undefined {
  const { PGWARDEN_STORE_URL, PGWARDEN_STORE_MIGRATION_URL } = env();
  if (!PGWARDEN_STORE_URL) return undefined;
  return { app: { connectionString: PGWARDEN_STORE_URL }, migrate: { connectionString: PGWARDEN_STORE_MIGRATION_URL ?? PGWARDEN_STORE_URL } };
}

/**
 * A superuser or the tables' owner as the console's login would let a bug (or an intruder in the
 * app) disable the audit trigger: refused in production, a loud warning elsewhere. A login that
 * lacks the grants cannot work at all: refused always, with the fix.
 */
async function assertSafeLogin(pool: pg.Pool): Promise<void> {
  const c = await checkStoreLogin(pool);
  if (!c.canWriteAudit) {
    throw new Error(
      `pgwarden: the store login "${c.user}" may not write the audit log. Run as the store's owner: GRANT ${STORE_APP_ROLE} TO "${c.user}"; (see README, "The console's own database")`,
    );
  }
  const unsafe = c.superuser ? "is a superuser" : c.ownsAuditLog ? "owns the store's tables" : c.canRewriteAudit ? "may UPDATE or DELETE the audit log" : undefined;
  if (!unsafe) return;
  const message =
    `pgwarden: the store login "${c.user}" ${unsafe}, so the audit log is not append-only for the console. ` +
    `Log in as a member of ${STORE_APP_ROLE} (PGWARDEN_STORE_URL) and migrate as the owner (PGWARDEN_STORE_MIGRATION_URL); see README.`;
  if (isProduction()) throw new StoreRefused(message);
  console.warn(`\n*** WARNING ***\n${message}\n`); // once per opening of the store, i.e. at start
}

async function openStore(): Promise<Store> {
  assertStartupConfig();
  const target = externalStore() ?? (await embeddedStore());
  const stop = target.stop ?? (async () => {});
  try {
    await migrateStore(target.migrate, target.migrateRole);
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  const e = env();
  const pool = new pg.Pool({
    ...target.app,
    max: Math.max(1, e.PGWARDEN_STORE_POOL_MAX),
    // In a burst, requests queue for a connection (FIFO) this long before they are refused with a 503.
    connectionTimeoutMillis: e.PGWARDEN_STORE_WAIT_MS,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: "pgwarden-store",
  });
  pool.on("error", () => {}); // an idle client's error (store restart) must not crash the console
  try {
    await assertSafeLogin(pool);
  } catch (err) {
    await pool.end().catch(() => {});
    await stop().catch(() => {});
    throw err;
  }
  return { pool, config: target.app, stop };
}

function opened(): Promise<Store> {
  g.__pgwardenStore ??= openStore().catch((err) => {
    g.__pgwardenStore = undefined;
    throw err;
  });
  return g.__pgwardenStore;
}

/** The store's pool, opened (and migrated) on first use. A failed open is retried on the next call. */
export async function storePool(): Promise<pg.Pool> {
  return (await opened()).pool;
}

/** Settings for a dedicated store connection as the console's login (never the owner). */
export async function storeClientConfig(): Promise<pg.ClientConfig> {
  return (await opened()).config;
}

/**
 * The store as a Queryable. Any failure to reach it (not open yet, no free connection within
 * PGWARDEN_STORE_WAIT_MS, connection lost) becomes StoreUnavailable: a 503 that names the store,
 * never mistaken for a monitored server being unreachable. SQL errors pass through unchanged.
 */
export async function store(): Promise<Queryable> {
  let pool: pg.Pool;
  try {
    pool = await storePool();
  } catch (err) {
    throw StoreUnavailable.from(err);
  }
  const query = ((...args: Parameters<pg.Pool["query"]>) =>
    (pool.query as (...a: unknown[]) => Promise<unknown>)(...args).catch((err: unknown) => {
      throw StoreUnavailable.wrapIfConnection(err);
    })) as Queryable["query"];
  return { query };
}

/** Tests point the process at another store between files. */
export async function closeStore(): Promise<void> {
  const s = g.__pgwardenStore;
  g.__pgwardenStore = undefined;
  const opened = await s?.catch(() => undefined);
  await opened?.pool.end().catch(() => {});
  await opened?.stop().catch(() => {});
}
