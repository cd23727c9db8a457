// A whole console for e2e tests and benchmarks: a real PostgreSQL 18 seeded like the demo, the
// console's store in it, users made with the real CLI, and the production build under `next start`.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort, startCluster, type Cluster } from "../../lib/embedded/cluster";
import { attachStandby, type AttachedStandby } from "../../lib/embedded/replica";
import { startDemoBouncer, type DemoBouncer } from "../../lib/cli/demo-ops";
import { prepareDemoDatabase, provisionClusterStore, roleUrl } from "../../lib/cli/demo-database";

/** Lines of the console's log that report an unhandled rejection or uncaught exception. */
export function unhandledLines(log: string): string[] {
  return log.split("\n").filter((l) => /unhandledRejection|uncaughtException|Unhandled Rejection|Uncaught/i.test(l));
}

export interface ConsoleStack {
  cluster: Cluster;
  /** the streaming standby of `cluster`, registered as `<id>-standby`, when asked for */
  standby: AttachedStandby | null;
  /** PgBouncer in front of the shop database, registered as `e2e-pgbouncer` and named by `e2e`, when asked for */
  bouncer: DemoBouncer | null;
  baseUrl: string;
  appUrl: string;
  consoleRoleUrl: string;
  adminPassword: string;
  viewerPassword: string;
  log: string;
  work: string;
  stop(): Promise<void>;
}

/** `npm run user -- …` as an operator would type it (stdin: the password, when asked for). */
export function userCli(env: NodeJS.ProcessEnv, args: string[], input = "") {
  const r = spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "lib/cli/user.ts", ...args], { input, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`user ${args.join(" ")} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

function addUser(env: NodeJS.ProcessEnv, name: string, role: string, password: string) {
  userCli(env, ["add", name, "--role", role], `${password}\n`);
}

async function waitForHealth(url: string, server: ChildProcess, log: string) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`next start exited (${server.exitCode}):\n${fs.readFileSync(log, "utf8")}`);
    if (await fetch(`${url}/api/health`).then((r) => r.ok, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the console did not become healthy:\n${fs.readFileSync(log, "utf8")}`);
}

function withPort(url: string, port: number): string {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
}

export interface ExtraServer {
  id: string;
  name: string;
  url: string;
  pooler?: "pgbouncer";
  directUrl?: string;
}

export async function startConsoleStack(opts: {
  pgSettings?: Record<string, string | number>;
  /**
   * extra servers for the registry, besides `e2e` (the seeded shop database); a function gets the
   * console role's URL of the shop database (entries such as a declared pooler in front of it)
   */
  extraServers?: ExtraServer[] | ((consoleUrl: string) => ExtraServer[]);
  env?: Record<string, string>;
  /** extra `npm run user -- …` commands after the two users exist (e.g. a per-server role) */
  userCommands?: string[][];
  /** a streaming standby of the server, as the demo has (registered as `e2e-standby`, slot `e2e_standby`) */
  standby?: boolean;
  /** the demo's PgBouncer (transaction mode, pool of 5) in front of the shop database */
  pgbouncer?: boolean;
} = {}): Promise<ConsoleStack> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-stack-"));
  fs.chmodSync(work, 0o755);
  const cluster = await startCluster({ major: 18, dataDir: path.join(work, "pg"), settings: opts.pgSettings });
  // Before seeding, as the demo does: the standby is a cold copy of the fresh cluster.
  const standby = opts.standby ? await attachStandby(cluster, { standbyDir: path.join(work, "pg-standby"), slot: "e2e_standby" }) : null;
  const demo = await prepareDemoDatabase(cluster);
  // The store as the README asks: an owner that migrates, a non-superuser login for the console.
  const store = await provisionClusterStore(cluster);

  const serversFile = path.join(work, "servers.json");
  const extra = typeof opts.extraServers === "function" ? opts.extraServers(demo.consoleUrl) : (opts.extraServers ?? []);
  const standbyEntry = standby ? [{ id: "e2e-standby", name: "e2e standby (streaming)", url: withPort(demo.consoleUrl, standby.port) }] : [];
  const bouncer = opts.pgbouncer ? await startDemoBouncer(cluster) : null;
  if (opts.pgbouncer && !bouncer) throw new Error("the e2e stack needs PgBouncer: apt-get install -y pgbouncer (.ci/run does it)");
  const bouncerEntry = bouncer ? [{ id: "e2e-pgbouncer", name: "e2e PgBouncer", kind: "pgbouncer", url: bouncer.adminUrl }] : [];
  const main = { id: "e2e", name: "e2e (PostgreSQL 18)", url: demo.consoleUrl, ...(bouncer && { pgbouncer: "e2e-pgbouncer" }) };
  fs.writeFileSync(serversFile, JSON.stringify([main, ...standbyEntry, ...bouncerEntry, ...extra]));

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const adminPassword = randomBytes(12).toString("base64url");
  const viewerPassword = randomBytes(12).toString("base64url");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PGWARDEN_SERVERS: serversFile,
    ...store,
    PGWARDEN_SECRET: randomBytes(32).toString("base64url"),
    PGWARDEN_PUBLIC_ORIGIN: baseUrl,
    // A plain Node process dies of an unhandled rejection; the console must never cause one. Next
    // logs them instead of dying (its own handlers), so stop() also reads the log (issue 9 item 6).
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --unhandled-rejections=strict`.trim(),
    ...opts.env,
  };
  addUser(env, "e2e-admin", "admin", adminPassword);
  addUser(env, "e2e-viewer", "viewer", viewerPassword);
  for (const args of opts.userCommands ?? []) userCli(env, args);

  const log = path.join(work, "console.log");
  const out = fs.openSync(log, "a");
  const server = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "127.0.0.1"], {
    env,
    stdio: ["ignore", out, out],
  });
  await waitForHealth(baseUrl, server, log);

  return {
    cluster,
    standby,
    bouncer,
    baseUrl,
    appUrl: demo.appUrl,
    consoleRoleUrl: roleUrl(cluster, "pgwarden", "pgwarden", "shop"),
    adminPassword,
    viewerPassword,
    log,
    work,
    async stop() {
      const died = server.exitCode !== null ? `the console process died (exit ${server.exitCode}) during the run` : null;
      server.kill("SIGTERM");
      await new Promise((r) => (server.exitCode !== null ? r(null) : server.once("exit", r)));
      const problems = [died, ...unhandledLines(fs.readFileSync(log, "utf8"))].filter(Boolean);
      await bouncer?.stop();
      await standby?.destroy();
      await cluster.destroy();
      fs.rmSync(work, { recursive: true, force: true });
      if (problems.length) throw new Error(`The console under test failed:\n${problems.join("\n")}`);
    },
  };
}
