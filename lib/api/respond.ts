import "server-only";
import { ZodError } from "zod";
import { DomainError, type ErrorKind } from "@/lib/errors";
import { DbError } from "@/lib/pg/errors";
import { serverUnreachableSince } from "@/lib/pg/health";
import type { ApiErrorBody } from "@/lib/schemas/common";
import { ApiError } from "./errors";

// The single place where exceptions become HTTP responses: a DomainError's kind picks the status;
// anything else is a programming error, logged with the request id and answered 500 with that id.
const NO_STORE = { "cache-control": "no-store" };

export const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  unsupported: 415,
  conflict: 409,
  too_large: 413,
  too_complex: 422,
  rate_limited: 429,
  failed: 500,
  unavailable: 503,
  timeout: 504,
};

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: NO_STORE });
}

/** The HTTP status a domain error is answered with (ApiError keeps the one it was given). */
export function statusOf(err: DomainError): number {
  return err instanceof ApiError ? err.status : STATUS_OF_KIND[err.kind];
}

// Connection strings may sit in a message (a driver error quoting its config): their password never
// reaches the log.
const redactUrls = (s: string) => s.replace(/(\w+:\/\/)[^/@\s]*@/g, "$1***@");

function logInternal(err: unknown, requestId: string | undefined) {
  const e = err as Error | undefined;
  const what = e instanceof Error ? redactUrls(e.stack ?? `${e.name}: ${e.message}`) : typeof err;
  console.error(`pgwarden: internal error (request ${requestId ?? "none"}): ${what}`);
}

export function errorResponse(err: unknown, server?: string, requestId?: string): Response {
  let status = 500;
  let body: ApiErrorBody;
  let retryAfter: number | undefined;
  if (err instanceof ZodError) {
    status = 400;
    // Names the fields (the banner shows the message); the offending values are never echoed.
    const issues = err.issues.map((i) => ({ path: i.path.join(".") || "(root)", message: i.message }));
    body = {
      error: {
        code: "invalid_request",
        message: `The request is invalid: ${issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join("; ")}.`,
        issues,
      },
    };
  } else if (err instanceof DbError) {
    status = statusOf(err);
    const since = err.code === "unreachable" && server ? serverUnreachableSince(server) : undefined;
    body = {
      error: {
        code: err.code,
        message: err.message,
        ...(err.sqlstate ? { sqlstate: err.sqlstate } : {}),
        ...(err.fix ? { fix: err.fix } : {}),
        ...(since ? { unreachableSince: since } : {}),
      },
    };
    // Busy or still computing: the same request succeeds a moment later.
    if (err.code === "console_busy" || err.code === "still_computing") retryAfter = 1;
  } else if (err instanceof DomainError) {
    status = statusOf(err);
    body = { error: { code: err.code, message: err.message } };
    retryAfter = err.retryAfterSeconds;
  } else {
    logInternal(err, requestId);
    body = {
      error: {
        code: "internal",
        message: `Something went wrong inside pgwarden${requestId ? ` (request ${requestId}; the server log has the details)` : ""}.`,
        ...(requestId ? { requestId } : {}),
      },
    };
  }
  const res = json(body, status);
  if (retryAfter !== undefined) res.headers.set("retry-after", String(Math.max(1, Math.ceil(retryAfter))));
  if (requestId) res.headers.set("x-request-id", requestId);
  return res;
}
