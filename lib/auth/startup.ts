import "server-only";
import { env } from "@/lib/config/env";
import { storePool } from "@/lib/store/db";
import { StoreRefused } from "@/lib/store/errors";
import { assertStartupConfig } from "./secret";

/** Production without a real secret or public origin stops here, with the reason, at boot. */
export function refuseToStartWithoutConfig(): void {
  try {
    env(); // every variable parsed and checked now, not at the first request that needs it
    assertStartupConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}

/**
 * Opens (and migrates) the store in the background. A store login that must not be used
 * (superuser or table owner, in production) stops the process; a store that is merely down is
 * logged and retried by the next request (the console answers 503 for it meanwhile).
 */
export function openStoreAtBoot(): void {
  storePool().catch((err) => {
    console.error((err as Error).message);
    if (err instanceof StoreRefused) process.exit(1);
  });
}
