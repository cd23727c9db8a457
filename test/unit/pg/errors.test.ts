import { describe, expect, it } from "vitest";
import { DbError, toDbError } from "@/lib/pg/errors";

const pgError = (code: string, message = "boom") => Object.assign(new Error(message), { code });

describe("toDbError", () => {
  it.each([
    ["42501", "not_permitted", 403],
    ["57014", "statement_timeout", 504],
    ["55P03", "lock_timeout", 409],
    ["53300", "too_many_connections", 503],
    ["3D000", "database_not_found", 404],
    ["25006", "read_only", 409],
    ["57P01", "unreachable", 503],
    ["08006", "unreachable", 503],
  ])("maps SQLSTATE %s to %s", (code, expected, status) => {
    const e = toDbError(pgError(code));
    expect(e).toBeInstanceOf(DbError);
    expect(e.code).toBe(expected);
    expect(e.status).toBe(status);
  });

  it("never echoes a connection error's text (it can carry hosts or remote bytes)", () => {
    const e = toDbError(Object.assign(new Error("connect ECONNREFUSED 10.1.2.3:5432 secret-host"), { code: "ECONNREFUSED" }));
    expect(e.code).toBe("unreachable");
    expect(e.message).not.toContain("10.1.2.3");
    expect(e.message).not.toContain("secret-host");
  });

  it("treats a pool connect timeout as unreachable", () => {
    expect(toDbError(new Error("timeout exceeded when trying to connect")).code).toBe("unreachable");
  });

  it("treats a client whose connection already failed as unreachable, not as a failed query", () => {
    const e = toDbError(new Error("Client has encountered a connection error and is not queryable"));
    expect(e).toMatchObject({ code: "unreachable", status: 503 });
    expect(toDbError(new Error("Client was closed and is not queryable")).code).toBe("unreachable");
  });

  it("keeps an unknown SQLSTATE visible for the person debugging", () => {
    const e = toDbError(pgError("22012", "division by zero"));
    expect(e.code).toBe("query_failed");
    expect(e.sqlstate).toBe("22012");
    expect(e.message).toContain("division by zero");
  });
});
