import "server-only";
import { assertStartupConfig } from "./secret";

/** Production without a real secret or public origin stops here, with the reason, at boot. */
export function refuseToStartWithoutConfig(): void {
  try {
    assertStartupConfig();
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
