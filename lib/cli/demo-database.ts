// Creates the demo's roles and the seeded `shop` database on a fresh cluster. Shared by
// `npm run demo` and the e2e setup, so the tests click through what a newcomer sees.
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { Cluster } from "@/lib/embedded/cluster";
import { seedMigrationHistory } from "@/lib/demo/migration-history";
import {
  DEMO_ANALYZE,
  DEMO_APP_ROLE,
  DEMO_CONSOLE_ROLE,
  DEMO_DATABASE,
  DEMO_EXTENSIONS,
  DEMO_READ_GRANT,
  DEMO_ROLES,
  GRANT_MAINTAIN,
  BACKEND_PID,
  SESSION_ALIVE,
  seedDemo,
} from "@/lib/demo/seed";
import { provisionStore, STORE_APP_ROLE, STORE_OWNER_ROLE } from "@/lib/store/roles";

const STORE_DATABASE = "pgwarden";

export async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, application_name: "pgwarden-demo-setup" });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export function roleUrl(cluster: Cluster, user: string, password: string, database: string): string {
  return `postgres://${user}:${password}@127.0.0.1:${cluster.port}/${database}`;
}

export interface DemoDatabase {
  /** what the console connects as: pg_monitor + pg_signal_backend (+ pg_maintain on 17+), no superuser */
  consoleUrl: string;
  /** the application's role, owner of the demo tables */
  appUrl: string;
}

export async function prepareDemoDatabase(cluster: Cluster): Promise<DemoDatabase> {
  await withClient(cluster.url(), async (c) => {
    await c.query(DEMO_ROLES);
    const { rows } = await c.query("SHOW server_version_num");
    if (Number(rows[0].server_version_num) >= 170000) await c.query(GRANT_MAINTAIN);
    await c.query(`CREATE DATABASE ${DEMO_DATABASE} OWNER ${DEMO_APP_ROLE}`);
  });
  await withClient(cluster.url(DEMO_DATABASE), (c) => c.query(DEMO_EXTENSIONS));
  const appUrl = roleUrl(cluster, DEMO_APP_ROLE, DEMO_APP_ROLE, DEMO_DATABASE);
  const seeder = await withClient(appUrl, async (c) => {
    await seedDemo(c);
    await seedMigrationHistory(c);
    await c.query(DEMO_READ_GRANT);
    return (await c.query(BACKEND_PID)).rows[0].pid as number;
  });
  // The seeding backend reports its row counts as it exits; analyze once it is gone.
  await withClient(cluster.url(), async (c) => {
    while ((await c.query(SESSION_ALIVE, [seeder])).rows[0].alive) await new Promise((r) => setTimeout(r, 20));
  });
  await withClient(appUrl, (c) => c.query(DEMO_ANALYZE));
  return { appUrl, consoleUrl: roleUrl(cluster, DEMO_CONSOLE_ROLE, DEMO_CONSOLE_ROLE, DEMO_DATABASE) };
}

/** Store URLs on `cluster` for the owner (migrations) and the console's login; roles made as its superuser. */
export async function provisionClusterStore(cluster: Cluster, passwords = { app: randomBytes(18).toString("base64url"), owner: randomBytes(18).toString("base64url") }) {
  await provisionStore({ connectionString: cluster.url() }, { database: STORE_DATABASE, appPassword: passwords.app, ownerPassword: passwords.owner });
  return {
    PGWARDEN_STORE_URL: roleUrl(cluster, STORE_APP_ROLE, passwords.app, STORE_DATABASE),
    PGWARDEN_STORE_MIGRATION_URL: roleUrl(cluster, STORE_OWNER_ROLE, passwords.owner, STORE_DATABASE),
  };
}
