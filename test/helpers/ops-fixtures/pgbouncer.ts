// PgBouncer (Debian package) in transaction mode in front of a test PostgreSQL, with an admin and
// a stats user on its admin console, and a load of clients made to wait for server connections.
// The process itself is started by the one launcher, test/helpers/pgbouncer.ts.
import pg from "pg";
import { startPgBouncer, type PgBouncer } from "../pgbouncer";
import { connect, freshDatabase, waitFor } from "../pg";
import { ident, withClient } from "../storage-fixtures";

export const BOUNCER_ADMIN = { user: "pgbadmin", password: "admin-pw" };
export const BOUNCER_STATS = { user: "pgbstats", password: "stats-pw" };

export interface BouncerFixture {
  bouncer: PgBouncer;
  /** the database name on PgBouncer (and on PostgreSQL) */
  database: string;
  app: { user: string; password: string };
  appUrl: string;
  adminUrl: string;
  statsUrl: string;
  stop(): Promise<void>;
}

/** A database and an application role on `serverUrl`, and PgBouncer in front (pool size 5). */
export async function startBouncerFixture(serverUrl: string, port: number, database: string): Promise<BouncerFixture> {
  await freshDatabase(serverUrl, database);
  const app = { user: `${database}_app`, password: "app-pw" };
  await withClient(serverUrl, async (c) => {
    await c.query(`DROP ROLE IF EXISTS ${ident(app.user)}`);
    await c.query(`SET password_encryption = 'scram-sha-256'; CREATE ROLE ${ident(app.user)} LOGIN PASSWORD 'app-pw'`);
    await c.query(`GRANT CONNECT ON DATABASE ${ident(database)} TO ${ident(app.user)}`);
  });
  const bouncer = await startPgBouncer({
    upstream: { port },
    superuserUrl: serverUrl,
    users: [app.user],
    databases: { [database]: `host=127.0.0.1 port=${port} dbname=${database}` },
    admin: BOUNCER_ADMIN,
    stats: BOUNCER_STATS,
    poolMode: "transaction",
    poolSize: 5,
    maxClientConn: 500,
    settings: { reserve_pool_size: 0, stats_period: 1 },
  });
  return {
    bouncer,
    database,
    app,
    appUrl: bouncer.url(app.user, app.password, database),
    adminUrl: bouncer.url(BOUNCER_ADMIN.user, BOUNCER_ADMIN.password, "pgbouncer"),
    statsUrl: bouncer.url(BOUNCER_STATS.user, BOUNCER_STATS.password, "pgbouncer"),
    stop: () => bouncer.stop(),
  };
}

/** SHOW POOLS straight from the admin console (not through the console's code). */
export async function showPool(adminUrl: string, database: string): Promise<Record<string, unknown> | undefined> {
  const c = new pg.Client(adminUrl);
  await c.connect();
  try {
    return (await c.query("SHOW POOLS")).rows.find((r) => r.database === database);
  } finally {
    await c.end();
  }
}

export interface Load {
  stop(): Promise<void>;
}

/**
 * `clients` connections through PgBouncer, each running transactions that hold a server connection
 * for `holdMs` (BEGIN; pg_sleep; COMMIT) in a loop. With pool size 5 and 20 clients, 15 wait.
 * Resolves once SHOW POOLS shows at least `expectWaiting` clients waiting.
 */
export async function waitingClients(f: BouncerFixture, clients = 20, holdMs = 500, expectWaiting = 10): Promise<Load> {
  let running = true;
  const conns: pg.Client[] = [];
  for (let i = 0; i < clients; i++) conns.push(await connect(f.appUrl, "pgwarden-test-load"));
  const loops = conns.map(async (c) => {
    while (running) {
      await c.query(`BEGIN; SELECT pg_sleep(${holdMs / 1000}); COMMIT`).catch(() => {});
    }
  });
  await waitFor(async () => Number((await showPool(f.adminUrl, f.database))?.cl_waiting ?? 0) >= expectWaiting, `${expectWaiting} clients waiting in PgBouncer`, 30_000, 100);
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      await Promise.all(conns.map((c) => c.end().catch(() => {})));
    },
  };
}
