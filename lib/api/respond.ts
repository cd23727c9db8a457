import "server-only";
import { ZodError } from "zod";
import { DbError } from "@/lib/pg/errors";
import { serverUnreachableSince } from "@/lib/pg/health";
import type { ApiErrorBody } from "@/lib/schemas/common";
import { ApiError } from "./errors";

// The single place where exceptions become HTTP responses.
const NO_STORE = { "cache-control": "no-store" };

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: NO_STORE });
}

export function errorResponse(err: unknown, server?: string): Response {
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
  } else if (err instanceof ApiError) {
    status = err.status;
    body = { error: { code: err.code, message: err.message } };
    retryAfter = err.retryAfterSeconds;
  } else if (err instanceof DbError) {
    status = err.status;
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
  } else {
    // Unknown failures are logged by class only: messages can carry connection details.
    console.error("pgwarden: unexpected error in route:", (err as Error)?.name ?? typeof err);
    body = { error: { code: "internal", message: "Something went wrong inside pgwarden." } };
  }
  const res = json(body, status);
  if (retryAfter !== undefined) res.headers.set("retry-after", String(Math.max(1, Math.ceil(retryAfter))));
  return res;
}
