// Maps driver and PostgreSQL errors to messages a person at 3 AM understands.
// Connection errors never echo remote bytes (Adminer CVE-2018-7667): only a class of failure.
// PostgreSQL's own text is echoed only where it names no data (permission errors); data errors
// (class 22: "invalid input syntax for type integer: "<value>"") and unexpected ones are answered
// with a generic message and the SQLSTATE.
import { escapeIdentifier } from "pg";
import { DomainError, type ErrorKind } from "@/lib/errors";

export type ErrorCode =
  | "unreachable"
  | "too_many_connections"
  | "console_busy"
  | "still_computing"
  | "not_permitted"
  | "statement_timeout"
  | "lock_timeout"
  | "read_only"
  | "database_not_found"
  | "invalid_value"
  | "query_failed";

/** A failure at the monitored server, in words a DBA understands; lib/api/respond.ts maps the kind to HTTP. */
export class DbError extends DomainError {
  declare readonly code: ErrorCode;
  constructor(
    code: ErrorCode,
    message: string,
    kind: ErrorKind,
    readonly sqlstate?: string,
    /** the exact statement(s) an administrator runs to fix it */
    readonly fix?: string,
  ) {
    super(kind, code, message);
    this.name = "DbError";
  }
}

/**
 * Every connection the console may hold to the server is in use and the wait for one ran out
 * (or too many requests wait already). The console is busy; the SERVER is not unreachable.
 */
export class ConsoleBusyError extends Error {
  constructor(
    readonly server: string,
    readonly why: "wait" | "queue" | "closed",
  ) {
    super("console busy");
    this.name = "ConsoleBusyError";
  }
}

/** A snapshot (sizes, bloat) is still being computed after the time a request may wait. */
export class StillComputingError extends Error {
  constructor(readonly waitedMs: number) {
    super("still computing");
    this.name = "StillComputingError";
  }
}

type PgLikeError = Error & { code?: string; errno?: number };

const CONNECTION_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE"]);

export function isConnectionError(err: unknown): boolean {
  const e = err as PgLikeError;
  if (!e || typeof e !== "object" || err instanceof ConsoleBusyError) return false;
  if (e.code && CONNECTION_CODES.has(e.code)) return true;
  if (e.code?.startsWith("08")) return true; // connection exception class
  if (e.code === "57P01" || e.code === "57P02" || e.code === "57P03") return true; // admin shutdown, crash, cannot connect now
  const m = e.message ?? "";
  // "timeout exceeded when trying to connect" is pg-pool waiting for a free slot of its own: busy,
  // not unreachable (issue 8: 87 requests of a burst reported a healthy server as unreachable).
  if (/timeout exceeded when trying to connect/i.test(m)) return false;
  // "... is not queryable": pg's answer on a client whose connection already failed (a shutdown
  // FATAL that reached it between two queries).
  return /Connection terminated|timeout expired|Query read timeout|connection (is )?closed|is not queryable/i.test(m);
}

/** What is known about the console's connection when an error is mapped (53300 needs it). */
export interface ErrorContext {
  /** the console's role on that server (from the last connection, else the configured URL) */
  role?: string;
  versionNum?: number;
  superuser?: boolean;
}


/**
 * 53300, with the fix that applies. PostgreSQL's message says which slots were refused: all of them
 * ("too many clients"), the superuser reserve (14: "non-replication superuser", 16+: "SUPERUSER
 * attribute"), or the reserve of pg_use_reserved_connections (16+).
 */
export function tooManyConnections(pgMessage: string, ctx: ErrorContext = {}): DbError {
  // SQL to paste, so quoted as SQL (always), not as the pages show names (lib/names.ts).
  const role = escapeIdentifier(ctx.role ?? "<console role>");
  const grant = `GRANT pg_use_reserved_connections TO ${role};`;
  const reserve = "ALTER SYSTEM SET reserved_connections = 3;  -- takes effect after a restart of PostgreSQL";
  const before16 = /non-replication superuser/i.test(pgMessage) || (ctx.versionNum !== undefined && ctx.versionNum < 160000);
  let fix: string;
  let advice: string;
  if (ctx.superuser) {
    advice =
      "Even the superuser_reserved_connections slots are taken. Free slots by terminating idle application sessions " +
      "from a superuser session that is already open, then raise superuser_reserved_connections:";
    fix = "ALTER SYSTEM SET superuser_reserved_connections = 5;  -- takes effect after a restart of PostgreSQL";
  } else if (/pg_use_reserved_connections/i.test(pgMessage)) {
    advice = "The slots kept by reserved_connections are free, but the console's role may not use them. Run as superuser:";
    fix = grant;
  } else if (before16) {
    advice =
      "Before PostgreSQL 16 only superusers have reserved slots (superuser_reserved_connections). As superuser, " +
      "terminate idle application sessions or lower the application's pool sizes; on 16+ reserve slots for the console:";
    fix = `-- PostgreSQL 16+:\n${reserve}\n${grant}`;
  } else {
    advice = "So that the console can still connect in a connection storm, reserve slots for it (as superuser):";
    fix = `${reserve}\n${grant}`;
  }
  return new DbError(
    "too_many_connections",
    `The server has no free connection slots: max_connections is reached, so the console cannot connect. ${advice} ${fix.replaceAll("\n", " ")}`,
    "unavailable",
    "53300",
    fix,
  );
}

export function toDbError(err: unknown, ctx: ErrorContext = {}): DbError {
  if (err instanceof DbError) return err;
  if (err instanceof ConsoleBusyError || /timeout exceeded when trying to connect/i.test((err as Error)?.message ?? "")) {
    return new DbError(
      "console_busy",
      "The console is busy: every connection it may open to this server is in use (PGWARDEN_POOL_MAX). The server itself answers; try again in a moment.",
      "unavailable",
    );
  }
  if (err instanceof StillComputingError) {
    return new DbError(
      "still_computing",
      `Still computing this database's snapshot after ${Math.round(err.waitedMs / 1000)} s (a large catalog); it continues in the background and the next refresh shows it.`,
      "unavailable",
    );
  }
  const e = err as PgLikeError;
  const sqlstate = typeof e?.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  if (isConnectionError(err)) {
    return new DbError("unreachable", "The database server is unreachable.", "unavailable", sqlstate);
  }
  switch (sqlstate) {
    case "53300":
      return tooManyConnections(e.message ?? "", ctx);
    case "42501":
      return new DbError("not_permitted", `Not permitted: ${e.message}`, "forbidden", sqlstate);
    case "57014":
      return new DbError("statement_timeout", "The query took too long and was cancelled (statement_timeout).", "timeout", sqlstate);
    case "55P03":
      return new DbError("lock_timeout", "Blocked by a lock held by another session; gave up (lock_timeout).", "conflict", sqlstate);
    case "25006":
      return new DbError("read_only", "The server is read-only (a standby).", "conflict", sqlstate);
    case "3D000":
      return new DbError("database_not_found", "That database does not exist on this server.", "not_found", sqlstate);
    case "28P01":
    case "28000":
      return new DbError("unreachable", "The console could not log in to the database server.", "unavailable", sqlstate);
  }
  if (sqlstate?.startsWith("22")) {
    return new DbError("invalid_value", `PostgreSQL refused a value of this request (SQLSTATE ${sqlstate}).`, "invalid", sqlstate);
  }
  return new DbError("query_failed", sqlstate ? `The query failed (SQLSTATE ${sqlstate}).` : "The query failed.", "failed", sqlstate);
}

/**
 * A bug in the console (TypeError, ReferenceError, …), not something the server said: it must
 * reach respond.ts as it is, to be logged with a request id and answered 500 — never relabelled as
 * "the query failed".
 */
export function isProgrammingError(err: unknown): boolean {
  return err instanceof TypeError || err instanceof ReferenceError || err instanceof RangeError || err instanceof SyntaxError || err instanceof EvalError;
}

/** What a failed call into the server is rethrown as: a DbError, or the bug itself unchanged. */
export function dbFailure(err: unknown, ctx: ErrorContext = {}): unknown {
  return isProgrammingError(err) ? err : toDbError(err, ctx);
}
