// Domain errors: what went wrong, in words the domain knows. lib/pg, lib/store, lib/jobs,
// lib/actions and lib/lint throw these; lib/api/respond.ts is the ONE place that turns a kind into
// an HTTP status. No HTTP here, so lib/pg stays usable from the CLI, the sampler and the job worker.
// Anything that is not a DomainError (a TypeError, a bug) is a programming error: respond.ts logs it
// with a request id and answers 500 with that id — it is never relabelled as "the query failed".

export type ErrorKind =
  | "invalid" // the request asks for something malformed or refused by a rule
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict" // the state does not allow it now (changed since you looked, needs a direct connection)
  | "unsupported" // wrong method or media type
  | "too_large"
  | "too_complex"
  | "rate_limited"
  | "timeout" // a statement timed out on the monitored server
  | "unavailable" // a dependency (server, store, linter) cannot answer now; worth retrying
  | "failed"; // the monitored server refused for a reason not mapped (SQLSTATE kept)

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    /** seconds until a retry is worth it (sent as Retry-After) */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "DomainError";
  }
}
