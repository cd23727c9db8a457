import "server-only";
import { store } from "./db";

export async function storeHealthy(): Promise<boolean> {
  try {
    await (await store()).query(/* sql */ `SELECT 1`);
    return true;
  } catch {
    return false;
  }
}
