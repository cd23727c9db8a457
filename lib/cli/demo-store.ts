// The demo's store: a separate database in the demo's embedded instance, set up as the README asks
// of an external store (an owner that migrates, a non-superuser login for the console), with an
// admin whose random password is printed once.
import { randomBytes } from "node:crypto";
import type { Cluster } from "@/lib/embedded/cluster";
import { resetEnvCache } from "@/lib/config/env";
import { closeStore, migrateStore } from "@/lib/store/db";
import { provisionStore, STORE_APP_ROLE, STORE_OWNER_ROLE } from "@/lib/store/roles";
import { createUserWithRandomPassword } from "@/lib/store/users";
import { roleUrl } from "./demo-database";

const STORE_DATABASE = "pgwarden";

/** Store URLs on `cluster` for the owner (migrations) and the console's login; roles made as its superuser. */
export async function provisionClusterStore(cluster: Cluster, passwords = { app: randomBytes(18).toString("base64url"), owner: randomBytes(18).toString("base64url") }) {
  await provisionStore({ connectionString: cluster.url() }, { database: STORE_DATABASE, appPassword: passwords.app, ownerPassword: passwords.owner });
  return {
    PGWARDEN_STORE_URL: roleUrl(cluster, STORE_APP_ROLE, passwords.app, STORE_DATABASE),
    PGWARDEN_STORE_MIGRATION_URL: roleUrl(cluster, STORE_OWNER_ROLE, passwords.owner, STORE_DATABASE),
  };
}

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
