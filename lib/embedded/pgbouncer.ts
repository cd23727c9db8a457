// Runs Debian's PgBouncer (`apt-get install pgbouncer`) in front of a local PostgreSQL, for tests
// and the demo. PgBouncer refuses to run as root, so it runs as the `postgres` OS user, in the
// foreground as our child (not the packaged service), logging to stderr.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { postgresUser } from "./binary-cluster";
import { freePort } from "./cluster";

export interface BouncerDatabase {
  host?: string;
  port: number;
  dbname: string;
  /** per-database pool_size (else default_pool_size) */
  poolSize?: number;
}

export interface PgbouncerOptions {
  databases: Record<string, BouncerDatabase>;
  /** auth_file entries: plain-text passwords (local tests and the demo only) */
  users: { name: string; password: string }[];
  adminUsers: string[];
  statsUsers: string[];
  /** extra [pgbouncer] settings; pool_mode defaults to transaction, default_pool_size to 5 */
  settings?: Record<string, string | number>;
}

export interface Pgbouncer {
  port: number;
  dir: string;
  version: string;
  /** URL of a database behind the bouncer (or of the admin console, database `pgbouncer`). */
  url(user: string, password: string, database: string): string;
  stop(): Promise<void>;
}

export const PGBOUNCER_BINARY = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"];

/** The installed PgBouncer binary, or null (the demo then says so; CI installs the package). */
export function pgbouncerBinary(): string | null {
  return PGBOUNCER_BINARY.find((p) => fs.existsSync(p)) ?? null;
}

const NAME = /^[A-Za-z0-9_]+$/; // names go into an ini file: keep them boring

function ini(opts: PgbouncerOptions, port: number, dir: string): string {
  const dbs = Object.entries(opts.databases).map(([name, d]) => {
    if (!NAME.test(name) || !NAME.test(d.dbname)) throw new Error(`pgbouncer fixture: unsupported database name ${name}`);
    return `${name} = host=${d.host ?? "127.0.0.1"} port=${d.port} dbname=${d.dbname}${d.poolSize ? ` pool_size=${d.poolSize}` : ""}`;
  });
  const settings: Record<string, string | number> = {
    listen_addr: "127.0.0.1",
    listen_port: port,
    unix_socket_dir: "",
    auth_type: "scram-sha-256",
    auth_file: path.join(dir, "userlist.txt"),
    admin_users: opts.adminUsers.join(","),
    stats_users: opts.statsUsers.join(","),
    pool_mode: "transaction",
    default_pool_size: 5,
    max_client_conn: 500,
    ignore_startup_parameters: "extra_float_digits,options",
    ...opts.settings,
  };
  return `[databases]\n${dbs.join("\n")}\n\n[pgbouncer]\n${Object.entries(settings).map(([k, v]) => `${k} = ${v}`).join("\n")}\n`;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

export async function startPgbouncer(opts: PgbouncerOptions): Promise<Pgbouncer> {
  const bin = pgbouncerBinary();
  if (!bin) throw new Error("PgBouncer is not installed (Debian: apt-get install -y pgbouncer).");
  const version = spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.split("\n")[0]?.trim() ?? "PgBouncer";
  const ids = await postgresUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-pgbouncer-"));
  const port = await freePort();
  for (const u of opts.users) if (!NAME.test(u.name) || u.password.includes('"')) throw new Error(`pgbouncer fixture: unsupported user ${u.name}`);
  fs.writeFileSync(path.join(dir, "userlist.txt"), opts.users.map((u) => `"${u.name}" "${u.password}"`).join("\n") + "\n", { mode: 0o600 });
  fs.writeFileSync(path.join(dir, "pgbouncer.ini"), ini(opts, port, dir), { mode: 0o600 });
  if (ids.uid !== undefined) for (const f of ["", "userlist.txt", "pgbouncer.ini"]) fs.chownSync(path.join(dir, f), ids.uid, ids.gid!);

  const child: ChildProcess = spawn(bin, [path.join(dir, "pgbouncer.ini")], { ...ids, stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  child.stderr?.on("data", (c: Buffer) => void (log = (log + c.toString()).slice(-20_000)));
  const killOnExit = () => child.kill("SIGTERM");
  process.once("exit", killOnExit);
  const deadline = Date.now() + 20_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited (${child.exitCode}):\n${log}`);
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`pgbouncer did not listen within 20 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    dir,
    version,
    url: (user, password, database) =>
      `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    stop: async () => {
      process.removeListener("exit", killOnExit);
      if (child.exitCode === null) {
        // SIGTERM: immediate shutdown (SIGINT would wait for every client to finish).
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
