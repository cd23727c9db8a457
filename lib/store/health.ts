import "server-only";
import { store } from "./db";

// Load balancers poll this; concurrent polls share one query (a burst must not fill the pool).
let inFlight: Promise<boolean> | undefined;

export function storeHealthy(): Promise<boolean> {
  inFlight ??= (async () => {
    try {
      await (await store()).query(/* sql */ `SELECT 1`);
      return true;
    } catch {
      return false;
    }
  })().finally(() => (inFlight = undefined));
  return inFlight;
}
