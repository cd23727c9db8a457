// The demo's operations parts (issue 14): a streaming standby of the demo server and a PgBouncer
// in transaction mode in front of the shop database, each only when it can be had on this machine.
// A part that cannot be started is one printed line (what is missing, how to get it); the console
// starts without it.
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import type { Cluster } from "@/lib/embedded/cluster";
import { pgbouncerBinary, startPgBouncer, type PgBouncer } from "@/lib/embedded/pgbouncer";
import { attachStandby, type AttachedStandby } from "@/lib/embedded/replica";
import { DEMO_APP_ROLE, DEMO_DATABASE } from "@/lib/demo/seed";

export const DEMO_STANDBY_ID = "demo-standby";
export const DEMO_BOUNCER_ID = "demo-pgbouncer";

const oneLine = (err: unknown) => String((err as Error)?.message ?? err).split("\n")[0];

/**
 * A standby made by the cold-copy recipe (lib/embedded/replica.ts). Call it right after the
 * cluster's initdb: the primary stops for a moment and the copy is small. Null when it fails.
 */
export async function startDemoStandby(cluster: Cluster, home: string): Promise<AttachedStandby | null> {
  try {
    return await attachStandby(cluster, { standbyDir: path.join(home, "demo-pg-standby"), slot: "demo_standby", applicationName: "demo_standby" });
  } catch (err) {
    console.log(`pgwarden demo: no standby (${oneLine(err)}); the replication page shows the primary alone.`);
    return null;
  }
}

export interface DemoBouncer {
  bouncer: PgBouncer;
  /** the shop application's role through PgBouncer (transaction pooling) */
  appUrl: string;
  /** the admin console as an admin user: the demo lets people try PAUSE/RESUME/RECONNECT */
  adminUrl: string;
  stop(): Promise<void>;
}

/** PgBouncer in front of the shop database (pool size 5), or null with the reason printed. */
export async function startDemoBouncer(cluster: Cluster): Promise<DemoBouncer | null> {
  if (!pgbouncerBinary()) {
    console.log("pgwarden demo: no PgBouncer (not installed); to see its page: sudo apt-get install -y pgbouncer, then run the demo again.");
    return null;
  }
  const admin = { user: "pgbouncer_admin", password: randomBytes(18).toString("base64url") };
  try {
    const bouncer = await startPgBouncer({
      upstream: { port: cluster.port },
      superuserUrl: cluster.url(),
      users: [DEMO_APP_ROLE],
      databases: { [DEMO_DATABASE]: `host=127.0.0.1 port=${cluster.port} dbname=${DEMO_DATABASE}` },
      admin,
      poolMode: "transaction",
      poolSize: 5,
      maxClientConn: 200,
      // SHOW STATS averages every 10 s rather than every minute: the page moves while you watch.
      settings: { reserve_pool_size: 0, stats_period: 10 },
    });
    return {
      bouncer,
      appUrl: bouncer.url(DEMO_APP_ROLE, DEMO_APP_ROLE, DEMO_DATABASE),
      adminUrl: bouncer.url(admin.user, admin.password, "pgbouncer"),
      stop: () => bouncer.stop(),
    };
  } catch (err) {
    console.log(`pgwarden demo: no PgBouncer (${oneLine(err)}).`);
    return null;
  }
}

/**
 * A checkout rush through PgBouncer every `everyMs`: 15 clients whose transactions hold a server
 * connection for a second, against a pool of 5, so SHOW POOLS shows clients waiting and maxwait
 * climbing for about ten seconds (the PgBouncer page's highlight and its history chart).
 */
export function startRush(bouncerAppUrl: string, everyMs = 120_000): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  const rush = async () => {
    const clients = Array.from({ length: 15 }, () => new pg.Client({ connectionString: bouncerAppUrl, application_name: "checkout-rush" }));
    await Promise.all(
      clients.map(async (c) => {
        c.on("error", () => {});
        try {
          await c.connect();
          for (let i = 0; i < 3 && !stopped; i++) await c.query("BEGIN; SELECT pg_sleep(1); COMMIT");
        } catch {
          // PAUSE or RECONNECT from the console ends a rush early: expected in a demo.
        } finally {
          await c.end().catch(() => {});
        }
      }),
    );
  };
  const tick = () => {
    if (!stopped) running = rush();
  };
  const first = setTimeout(tick, 20_000);
  const timer = setInterval(tick, everyMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
