// Starts the console stack the e2e tests click through, and hands its addresses to the workers.
import path from "node:path";
import { freePort } from "../../lib/embedded/cluster";
import { startConsoleStack } from "../helpers/console-stack";
import { CANARY } from "./canary";

export default async function globalSetup() {
  // A second server that the fault test stops and starts itself (port and directory fixed here).
  const faultPort = await freePort();
  const stack = await startConsoleStack({
    extraServers: (consoleUrl) => [
      { id: "e2e-fault", name: "e2e fault target", url: `postgres://postgres:postgres@127.0.0.1:${faultPort}/postgres` },
      // A password that must never leave the server: searched for in pages, assets, responses and logs.
      { id: "e2e-canary", name: "e2e canary", url: `postgres://pgwarden:${CANARY}@127.0.0.1:1/shop` },
      // Declared as behind PgBouncer without a directUrl: reads work, maintenance is disabled with the fix.
      { id: "e2e-pooled", name: "e2e behind a pooler", url: consoleUrl, pooler: "pgbouncer" },
    ],
    // A stopped server refuses connections at once (the fault test needs no short timeout), while
    // on a loaded test machine a connect can take seconds: a 503 there would be a browser console
    // error, which fails the test (fixtures.ts).
    // Statement snapshots every 2 s (60 s in production), so the Queries page fills within a test.
    env: { PGWARDEN_CONNECT_TIMEOUT_MS: "10000", PGWARDEN_STATEMENTS_INTERVAL_S: "2" },
    // The viewer may not see the canary server at all: its pages answer like an unknown id's.
    userCommands: [["set-role", "e2e-viewer", "--server", "e2e-canary", "none"]],
    // The demo's streaming standby and PgBouncer (issue 14): the replication and PgBouncer specs.
    standby: true,
    pgbouncer: true,
  });
  Object.assign(process.env, {
    E2E_BASE_URL: stack.baseUrl,
    E2E_SUPERUSER_URL: stack.cluster.url("shop"),
    E2E_STANDBY_URL: stack.standby?.url("shop") ?? "",
    E2E_BOUNCER_APP_URL: stack.bouncer?.appUrl ?? "",
    E2E_APP_URL: stack.appUrl,
    E2E_CONSOLE_ROLE_URL: stack.consoleRoleUrl,
    E2E_ADMIN_PASSWORD: stack.adminPassword,
    E2E_VIEWER_PASSWORD: stack.viewerPassword,
    E2E_FAULT_PORT: String(faultPort),
    E2E_FAULT_DIR: path.join(stack.work, "pg-fault"),
    E2E_SERVER_LOG: stack.log,
    E2E_WORK_DIR: stack.work,
  });
  return () => stack.stop();
}
