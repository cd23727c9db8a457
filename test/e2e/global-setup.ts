// Starts what the e2e tests click through: a real PostgreSQL 18 seeded like the demo, the console's
// store in it, users made with the real CLI, and the production build served by `next start`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, startCluster } from "../../lib/embedded/cluster";
import { prepareDemoDatabase, roleUrl, withClient } from "../../lib/cli/demo-database";

function addUser(env: NodeJS.ProcessEnv, name: string, role: string, password: string) {
  const r = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "lib/cli/user.ts", "add", name, "--role", role], {
    input: `${password}\n`,
    env,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`user add ${name} failed: ${r.stderr || r.stdout}`);
}

async function waitForHealth(url: string, server: ChildProcess, log: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited (${server.exitCode}):\n${fs.readFileSync(log, "utf8")}`);
    const ok = await fetch(`${url}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the console did not become healthy:\n${fs.readFileSync(log, "utf8")}`);
}

export default async function globalSetup() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-e2e-"));
  fs.chmodSync(work, 0o755);
  const cluster = await startCluster({ major: 18, dataDir: path.join(work, "pg") });
  const demo = await prepareDemoDatabase(cluster);
  await withClient(cluster.url(), (c) => c.query("CREATE DATABASE pgwarden_store"));

  // A second server that the fault test stops and starts itself (port and directory fixed here).
  const faultPort = await freePort();
  const faultDir = path.join(work, "pg-fault");
  const servers = [
    { id: "e2e", name: "e2e (PostgreSQL 18)", url: demo.consoleUrl },
    { id: "e2e-fault", name: "e2e fault target", url: `postgres://postgres:postgres@127.0.0.1:${faultPort}/postgres` },
  ];
  const serversFile = path.join(work, "servers.json");
  fs.writeFileSync(serversFile, JSON.stringify(servers));

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const adminPassword = randomBytes(12).toString("base64url");
  const viewerPassword = randomBytes(12).toString("base64url");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PGWARDEN_SERVERS: serversFile,
    PGWARDEN_STORE_URL: cluster.url("pgwarden_store"),
    PGWARDEN_SECRET: randomBytes(32).toString("base64url"),
    PGWARDEN_PUBLIC_ORIGIN: baseUrl,
    // The fault test needs the console to notice a dead server quickly.
    PGWARDEN_CONNECT_TIMEOUT_MS: "2000",
  };
  addUser(env, "e2e-admin", "admin", adminPassword);
  addUser(env, "e2e-viewer", "viewer", viewerPassword);

  const log = path.join(work, "console.log");
  const out = fs.openSync(log, "a");
  const server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    env,
    stdio: ["ignore", out, out],
  });
  await waitForHealth(baseUrl, server, log);

  Object.assign(process.env, {
    E2E_BASE_URL: baseUrl,
    E2E_SUPERUSER_URL: cluster.url("shop"),
    E2E_APP_URL: demo.appUrl,
    E2E_CONSOLE_ROLE_URL: roleUrl(cluster, "pgwarden", "pgwarden", "shop"),
    E2E_ADMIN_PASSWORD: adminPassword,
    E2E_VIEWER_PASSWORD: viewerPassword,
    E2E_FAULT_PORT: String(faultPort),
    E2E_FAULT_DIR: faultDir,
    E2E_SERVER_LOG: log,
    E2E_WORK_DIR: work,
  });

  return async () => {
    server.kill("SIGTERM");
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once("exit", r)));
    await cluster.destroy();
    fs.rmSync(work, { recursive: true, force: true });
  };
}
