import { DomainError, type ErrorKind } from "@/lib/errors";

// HTTP-layer refusals (CSRF, session, permission, body size) carry their status; everything below
// lib/api throws a DomainError (lib/errors.ts) and respond.ts picks the status from its kind.
const KIND_OF_STATUS: Record<number, ErrorKind> = {
  400: "invalid",
  401: "unauthenticated",
  403: "forbidden",
  404: "not_found",
  405: "unsupported",
  409: "conflict",
  413: "too_large",
  415: "unsupported",
  422: "too_complex",
  429: "rate_limited",
  503: "unavailable",
  504: "timeout",
};

export class ApiError extends DomainError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    /** seconds, sent as Retry-After (429 and 503 answers that are worth retrying later) */
    retryAfterSeconds?: number,
  ) {
    super(KIND_OF_STATUS[status] ?? "invalid", code, message, retryAfterSeconds);
    this.name = "ApiError";
  }
}
