// Starts sampler processes (test/helpers/sampler-main.ts) for the scale-out test and the bench.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface SamplerProcess {
  child: ChildProcess;
  pid: number;
  output(): string;
  /** SIGKILL: a replica that dies without giving anything back */
  kill(): Promise<void>;
  /** SIGTERM: a clean stop */
  stop(): Promise<void>;
}

/** Writes a servers file for `entries` and returns its path. */
export function writeServersFile(entries: { id: string; name?: string; url: string }[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-sampler-servers-")), "servers.json");
  fs.writeFileSync(file, JSON.stringify(entries.map((e) => ({ name: e.id, ...e }))));
  return file;
}

export async function startSamplerProcess(env: Record<string, string>): Promise<SamplerProcess> {
  const root = path.resolve(import.meta.dirname, "../..");
  // tsx as an import hook, not its CLI: the CLI runs the script in a child process, and a SIGKILL
  // of the wrapper would leave the actual replica running.
  const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "test/helpers/sampler-main.ts"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (b) => (out += b));
  child.stderr!.on("data", (b) => (out += b));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (/sampler .* started/.test(out)) resolve();
      else if (child.exitCode !== null) reject(new Error(`sampler process exited (${child.exitCode}):\n${out}`));
      else setTimeout(check, 50);
    };
    check();
  });
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return { child, pid: child.pid!, output: () => out, kill: () => signal("SIGKILL"), stop: () => signal("SIGTERM") };
}
