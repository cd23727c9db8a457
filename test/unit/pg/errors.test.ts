import { describe, expect, it } from "vitest";
import { ConsoleBusyError, DbError, isConnectionError, toDbError } from "@/lib/pg/errors";
import { statusOf } from "@/lib/api/respond";

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
    expect(statusOf(e)).toBe(status);
  });

  it("never echoes a connection error's text (it can carry hosts or remote bytes)", () => {
    const e = toDbError(Object.assign(new Error("connect ECONNREFUSED 10.1.2.3:5432 secret-host"), { code: "ECONNREFUSED" }));
    expect(e.code).toBe("unreachable");
    expect(e.message).not.toContain("10.1.2.3");
    expect(e.message).not.toContain("secret-host");
  });

  it("treats a connect timeout as unreachable, but waiting for a pool slot as the console being busy", () => {
    expect(toDbError(new Error("timeout expired")).code).toBe("unreachable");
    expect(isConnectionError(new Error("timeout exceeded when trying to connect"))).toBe(false);
    const busy = toDbError(new Error("timeout exceeded when trying to connect"));
    expect(busy.code).toBe("console_busy");
    expect(statusOf(busy)).toBe(503);
    expect(isConnectionError(new ConsoleBusyError("s", "wait"))).toBe(false);
    expect(toDbError(new ConsoleBusyError("s", "queue")).message).toMatch(/console is busy/i);
  });

  it("never echoes PostgreSQL's text for data errors (it quotes the value); keeps the SQLSTATE", () => {
    const e = toDbError(pgError("22P02", 'invalid input syntax for type integer: "s3cret"'));
    expect(e.code).toBe("invalid_value");
    expect(statusOf(e)).toBe(400);
    expect(e.sqlstate).toBe("22P02");
    expect(e.message).not.toContain("s3cret");
    const other = toDbError(pgError("42P01", 'relation "x" does not exist'));
    expect(other.code).toBe("query_failed");
    expect(other.sqlstate).toBe("42P01");
    expect(other.message).not.toContain("relation");
  });

  describe("53300: says plainly that the server is out of slots, with the exact fix", () => {
    it("PostgreSQL 16+, a role without the reserve: reserved_connections + GRANT", () => {
      const e = toDbError(pgError("53300", 'remaining connection slots are reserved for roles with the SUPERUSER attribute'), { role: "pgwarden", versionNum: 180004 });
      expect(e.code).toBe("too_many_connections");
      expect(statusOf(e)).toBe(503);
      expect(e.message).toMatch(/no free connection slots/);
      expect(e.fix).toContain("ALTER SYSTEM SET reserved_connections = 3;");
      expect(e.fix).toContain('GRANT pg_use_reserved_connections TO "pgwarden";');
      expect(e.message).toContain('GRANT pg_use_reserved_connections TO "pgwarden";');
    });
    it("reserve present but not granted: only the GRANT", () => {
      const e = toDbError(pgError("53300", 'remaining connection slots are reserved for roles with privileges of the "pg_use_reserved_connections" role'), { role: 'we"ird' });
      expect(e.fix).toBe('GRANT pg_use_reserved_connections TO "we""ird";');
    });
    it("PostgreSQL 14: no reserve for non-superusers; says so and names superuser_reserved_connections", () => {
      const e = toDbError(pgError("53300", "remaining connection slots are reserved for non-replication superuser connections"), { role: "pgwarden" });
      expect(e.message).toContain("Before PostgreSQL 16");
      expect(e.message).toContain("superuser_reserved_connections");
      expect(e.fix).toContain("-- PostgreSQL 16+:");
    });
    it("a superuser console: every slot is taken, superuser_reserved_connections is the fix", () => {
      const e = toDbError(pgError("53300", "sorry, too many clients already"), { role: "postgres", superuser: true, versionNum: 140000 });
      expect(e.fix).toContain("superuser_reserved_connections");
    });
  });

  it("treats a client whose connection already failed as unreachable, not as a failed query", () => {
    const e = toDbError(new Error("Client has encountered a connection error and is not queryable"));
    expect(e).toMatchObject({ code: "unreachable", kind: "unavailable" });
    expect(toDbError(new Error("Client was closed and is not queryable")).code).toBe("unreachable");
  });
});
