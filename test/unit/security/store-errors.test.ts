// Issue 8, item 8 (part): a busy or unreachable store is the console's own problem: a 503 naming
// the store with Retry-After, never classified as a monitored server being unreachable.
import { describe, expect, test } from "vitest";
import { errorResponse } from "@/lib/api/respond";
import { isConnectionError } from "@/lib/pg/errors";
import { serverUnreachableSince } from "@/lib/pg/health";
import { StoreUnavailable } from "@/lib/store/errors";

describe("store failures", () => {
  test("a pool wait timeout or a lost connection becomes StoreUnavailable; SQL errors pass unchanged", () => {
    const waited = new Error("timeout exceeded when trying to connect");
    const refused = Object.assign(new Error("connect ECONNREFUSED /tmp/s/.s.PGSQL.54329"), { code: "ECONNREFUSED" });
    const duplicate = Object.assign(new Error("duplicate key value"), { code: "23505" });
    expect(StoreUnavailable.wrapIfConnection(waited)).toBeInstanceOf(StoreUnavailable);
    expect(StoreUnavailable.wrapIfConnection(refused)).toBeInstanceOf(StoreUnavailable);
    expect(StoreUnavailable.wrapIfConnection(duplicate)).toBe(duplicate);
  });

  test("StoreUnavailable is a 503 with Retry-After that says 'store', and lib/pg never takes it for an unreachable server", async () => {
    const err = new StoreUnavailable();
    expect(isConnectionError(err)).toBe(false);
    const res = errorResponse(err, "prod");
    expect(res.status).toBe(503);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await res.json()).error.code).toBe("store_unavailable");
    expect(serverUnreachableSince("prod")).toBeUndefined();
  });
});
