import "server-only";
import { createHash } from "node:crypto";
import { DomainError } from "@/lib/errors";
import { claimAction, finishAction, type ActionKey } from "@/lib/store/idempotency";
import { logFailure } from "@/lib/log";

// Each action request carries a request id; the key is (user, request id) and the row remembers
// the server, action, target and a digest of the whole request. A repeat (double click, a
// retried fetch, the same request after a restart or on another replica) gets the first one's
// response and sends nothing again (PgHero #101: ten clicks, ten copies of a 1,000 s EXPLAIN
// ANALYZE). The same id for anything else is a 409, never somebody else's or an earlier
// action's outcome. Generic: cancel/terminate use it now, job creation can use it the same way.

export type { ActionKey };

const WAIT_FOR_TWIN_MS = 30_000;
const POLL_MS = 100;

/** JSON with sorted keys, so that the digest does not depend on property order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export function requestDigest(key: ActionKey, request: unknown): Buffer {
  return createHash("sha256").update(canonical({ server: key.server, action: key.action, target: key.target, request })).digest();
}

const conflict = (message: string) => new DomainError("conflict", "request_id_conflict", message);

/**
 * Runs `run` once per key. A twin that arrives while the first is still running waits for its
 * response (bounded); the response must be JSON (it is stored in the store).
 */
export async function once<T>(key: ActionKey, request: unknown, run: () => Promise<T>): Promise<T> {
  const digest = requestDigest(key, request);
  const deadline = Date.now() + WAIT_FOR_TWIN_MS;
  for (;;) {
    const claim = await claimAction(key, digest);
    switch (claim.kind) {
      case "claimed": {
        let result: T;
        try {
          result = await run();
        } catch (err) {
          // Whether anything was sent is not known here: the id is spent, a new request is needed.
          await finishAction(key, "failed", null).catch(logFailure("recording a failed action under its request id"));
          throw err;
        }
        await finishAction(key, "done", result);
        return result;
      }
      case "done":
        return claim.response as T;
      case "different":
        throw conflict("This request id was already used for a different request. Nothing was sent; send the request with a new id.");
      case "failed":
        throw conflict("The earlier request with this id failed. Nothing more was sent; look at the current state and send a new request.");
      case "running":
        if (claim.stale || Date.now() > deadline) {
          throw conflict("The earlier request with this id did not finish; its outcome is unknown. Look at the current state before sending a new request.");
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
