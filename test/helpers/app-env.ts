// Points the app's server registry at test databases (the same code path as PGWARDEN_SERVERS in production).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { resetEnvCache } from "@/lib/config/env";
import { resetServerRegistry } from "@/lib/config/servers";
import { closeAllPools } from "@/lib/pg/pools";

export async function useServers(servers: { id: string; name?: string; url: string }[], extraEnv: Record<string, string> = {}) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "pgwarden-servers-")), "servers.json");
  fs.writeFileSync(file, JSON.stringify(servers.map((s) => ({ name: s.id, ...s }))));
  process.env.PGWARDEN_SERVERS = file;
  delete process.env.DATABASE_URL;
  Object.assign(process.env, extraEnv);
  resetEnvCache();
  resetServerRegistry();
  await closeAllPools();
}
