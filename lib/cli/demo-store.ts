// The demo's store: a separate database in the demo's embedded instance, migrated, with an admin
// whose random password is printed once.
import { randomBytes } from "node:crypto";
import { closeStore, createStoreDatabase, migrateStore } from "@/lib/store/db";
import { createUserWithRandomPassword } from "@/lib/store/users";

export async function prepareDemoStore(adminUrl: string, webPort: number) {
  const url = await createStoreDatabase(adminUrl, "pgwarden");
  await migrateStore(url);
  process.env.PGWARDEN_STORE_URL = url;
  const { name, password } = await createUserWithRandomPassword("admin", "admin");
  await closeStore();
  return {
    user: name,
    password,
    env: {
      PGWARDEN_STORE_URL: url,
      // A fresh random secret per demo run: sessions end when the demo stops.
      PGWARDEN_SECRET: randomBytes(32).toString("base64url"),
      PGWARDEN_PUBLIC_ORIGIN: `http://localhost:${webPort}`,
      PGWARDEN_DEMO: "1",
    },
  };
}
