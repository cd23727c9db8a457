// The demo's store: a separate database in the demo's embedded instance, set up as the README asks
// of an external store (an owner that migrates, a non-superuser login for the console), with an
// admin whose random password is printed once.
import { randomBytes } from "node:crypto";
import type { Cluster } from "@/lib/embedded/cluster";
import { resetEnvCache } from "@/lib/config/env";
import { closeStore, migrateStore } from "@/lib/store/db";
import { createUserWithRandomPassword } from "@/lib/store/users";
import { provisionClusterStore } from "./demo-database";

export async function prepareDemoStore(cluster: Cluster, webPort: number) {
  const urls = await provisionClusterStore(cluster);
  await migrateStore(urls.PGWARDEN_STORE_MIGRATION_URL);
  Object.assign(process.env, urls);
  resetEnvCache();
  const { name, password } = await createUserWithRandomPassword("admin", "admin");
  await closeStore();
  return {
    user: name,
    password,
    env: {
      ...urls,
      // A fresh random secret per demo run: sessions end when the demo stops.
      PGWARDEN_SECRET: randomBytes(32).toString("base64url"),
      PGWARDEN_PUBLIC_ORIGIN: `http://localhost:${webPort}`,
      PGWARDEN_DEMO: "1",
    },
  };
}
