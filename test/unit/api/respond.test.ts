import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "@/lib/api/errors";
import { errorResponse, statusOf } from "@/lib/api/respond";
import { DomainError } from "@/lib/errors";
import { dbFailure, DbError } from "@/lib/pg/errors";
import { StoreUnavailable } from "@/lib/store/errors";

afterEach(() => vi.restoreAllMocks());

describe("errorResponse: the one place errors become HTTP", () => {
  it("answers a programming error 500 with the request id in the body and header, and logs it with that id", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = errorResponse(new TypeError("Cannot read properties of undefined (reading 'pid')"), "local", "req-123");
    expect(res.status).toBe(500);
    expect(res.headers.get("x-request-id")).toBe("req-123");
    const body = await res.json();
    expect(body.error.code).toBe("internal");
    expect(body.error.requestId).toBe("req-123");
    expect(body.error.message).toContain("req-123");
    // the details stay in the log, not in the answer
    expect(body.error.message).not.toContain("reading 'pid'");
    expect(log).toHaveBeenCalledTimes(1);
    const line = String(log.mock.calls[0]![0]);
    expect(line).toContain("req-123");
    expect(line).toContain("reading 'pid'");
  });

  it("keeps a password in a URL out of the log line", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    errorResponse(new Error("bad config postgres://app:s3cret@db:5432/x"), undefined, "r1");
    expect(String(log.mock.calls[0]![0])).not.toContain("s3cret");
  });

  it("maps a domain error's kind to its status without logging it as internal", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const res = errorResponse(new DomainError("not_found", "job_not_found", "No job with that id on this server."), "local", "r2");
    expect(res.status).toBe(404);
    expect((await res.json()).error).toEqual({ code: "job_not_found", message: "No job with that id on this server." });
    expect(log).not.toHaveBeenCalled();
  });

  it("keeps Retry-After for an unavailable store and the given status of an HTTP-layer ApiError", () => {
    const res = errorResponse(new StoreUnavailable(), undefined, "r3");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(statusOf(new ApiError(405, "method_not_allowed", "POST only"))).toBe(405);
    expect(statusOf(new DomainError("conflict", "x", "y"))).toBe(409);
  });

  it("a bug inside a read is not relabelled as 'the query failed'", () => {
    const bug = new TypeError("x is not a function");
    expect(dbFailure(bug)).toBe(bug);
    const pgError = Object.assign(new Error('relation "x" does not exist'), { code: "42P01" });
    const mapped = dbFailure(pgError);
    expect(mapped).toBeInstanceOf(DbError);
    expect((mapped as DbError).code).toBe("query_failed");
  });
});
