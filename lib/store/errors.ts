import "server-only";
import { DomainError } from "@/lib/errors";
import { isConnectionError } from "@/lib/pg/errors";

// The store being out of reach (not open yet, every connection busy for PGWARDEN_STORE_WAIT_MS,
// a restart) is the console's own problem: a 503 that says so, with Retry-After. It is a
// DomainError on purpose: lib/pg's connection-error test never sees it, so a busy store can never
// mark a monitored server "unreachable".

const logged = new Set<string>();

export class StoreUnavailable extends DomainError {
  constructor() {
    super("unavailable", "store_unavailable", "The console's own database is busy or unavailable; try again in a moment.", 2);
    this.name = "StoreUnavailable";
  }

  /** Opening the store failed: said once in the server log (with the reason), 503 to the caller. */
  static from(err: unknown): StoreUnavailable {
    if (err instanceof StoreUnavailable) return err;
    const line = `pgwarden: the console's store is unavailable: ${(err as Error)?.message ?? String(err)}`;
    if (!logged.has(line)) {
      logged.add(line);
      console.error(line);
    }
    return new StoreUnavailable();
  }

  /**
   * Connection-class failures become StoreUnavailable; SQL errors (23505 …) pass unchanged. For the
   * store, pg-pool's own wait running out is "unavailable" too (for a monitored server it means busy).
   */
  static wrapIfConnection(err: unknown): unknown {
    const poolWait = /timeout exceeded when trying to connect/i.test((err as Error)?.message ?? "");
    return poolWait || isConnectionError(err) ? new StoreUnavailable() : err;
  }
}

/** The store's login is unsafe in production (superuser or table owner): the console refuses to start. */
export class StoreRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreRefused";
  }
}
