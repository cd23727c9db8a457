// Maps driver and PostgreSQL errors to messages a person at 3 AM understands.
// Connection errors never echo remote bytes (Adminer CVE-2018-7667): only a class of failure.

export type ErrorCode =
  | "unreachable"
  | "too_many_connections"
  | "not_permitted"
  | "statement_timeout"
  | "lock_timeout"
  | "read_only"
  | "database_not_found"
  | "query_failed";

export class DbError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly status: number,
    readonly sqlstate?: string,
  ) {
    super(message);
    this.name = "DbError";
  }
}

type PgLikeError = Error & { code?: string; errno?: number };

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE"]);

export function isConnectionError(err: unknown): boolean {
  const e = err as PgLikeError;
  if (!e || typeof e !== "object") return false;
  if (e.code && CONNECTION_CODES.has(e.code)) return true;
  if (e.code?.startsWith("08")) return true; // connection exception class
  if (e.code === "57P01" || e.code === "57P02" || e.code === "57P03") return true; // admin shutdown, crash, cannot connect now
  const m = e.message ?? "";
  // "... is not queryable": pg's answer on a client whose connection already failed (a shutdown
  // FATAL that reached it between two queries).
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|connection (is )?closed|is not queryable/i.test(m);
}

export function toDbError(err: unknown): DbError {
  if (err instanceof DbError) return err;
  const e = err as PgLikeError;
  const sqlstate = typeof e?.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  if (isConnectionError(err)) {
    return new DbError("unreachable", "The database server is unreachable.", 503, sqlstate);
  }
  switch (sqlstate) {
    case "53300":
      return new DbError("too_many_connections", "The server has no free connection slots (too many clients).", 503, sqlstate);
    case "42501":
      return new DbError("not_permitted", `Not permitted: ${e.message}`, 403, sqlstate);
    case "57014":
      return new DbError("statement_timeout", "The query took too long and was cancelled (statement_timeout).", 504, sqlstate);
    case "55P03":
      return new DbError("lock_timeout", "Blocked by a lock held by another session; gave up (lock_timeout).", 409, sqlstate);
    case "25006":
      return new DbError("read_only", "The server is read-only (a standby).", 409, sqlstate);
    case "3D000":
      return new DbError("database_not_found", "That database does not exist on this server.", 404, sqlstate);
    case "28P01":
    case "28000":
      return new DbError("unreachable", "The console could not log in to the database server.", 503, sqlstate);
  }
  return new DbError("query_failed", sqlstate ? `PostgreSQL error ${sqlstate}: ${e.message}` : "The query failed.", 500, sqlstate);
}
