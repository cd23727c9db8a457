import { z } from "./zod";
import { int } from "./common";

// Cancel / terminate requests and their per-session outcomes.

export const SessionRef = z.object({
  // int4 range: PostgreSQL pids; anything else (strings, -1, 2^31, 1e3 as text) is a 400.
  pid: int(1, 2_147_483_647),
  backendStartUs: int(0, Number.MAX_SAFE_INTEGER),
});
export type SessionRef = z.infer<typeof SessionRef>;

export const SignalKind = z.enum(["cancel", "terminate"]);
export type SignalKind = z.infer<typeof SignalKind>;

const SignalBody = z.object({
  sessions: z.array(SessionRef).min(1).max(500),
  /** Idempotency key: a repeated request returns the first outcome and sends nothing again. */
  requestId: z.string().uuid(),
});

export const CancelRequest = SignalBody;
export type CancelRequest = z.infer<typeof CancelRequest>;

/** Terminate needs the word typed by the person; checked by the server too, not only in the dialog. */
export const TerminateRequest = SignalBody.extend({ confirm: z.literal("terminate") });
export type TerminateRequest = z.infer<typeof TerminateRequest>;

export const SignalRequest = SignalBody.extend({ kind: SignalKind });
export type SignalRequest = z.infer<typeof SignalRequest>;

export const SignalOutcomeKind = z.enum([
  "cancelled",
  "terminated",
  "already_gone", // no such backend any more (PostgreSQL returned false with a WARNING, or no row)
  "changed", // same pid, different backend_start: another session now; nothing was sent
  "not_permitted", // 42501, or a session the console must not signal
  "unknown", // the reply was lost: the state is re-read, never retried
]);
export type SignalOutcomeKind = z.infer<typeof SignalOutcomeKind>;

export const SignalOutcome = z.object({
  pid: z.number(),
  backendStartUs: z.number(),
  outcome: SignalOutcomeKind,
  message: z.string(),
  /** the role that would have allowed it, when outcome is not_permitted */
  missingRole: z.string().optional(),
  sqlstate: z.string().optional(),
});
export type SignalOutcome = z.infer<typeof SignalOutcome>;

export const SignalResponse = z.object({
  requestId: z.string(),
  kind: SignalKind,
  outcomes: z.array(SignalOutcome),
});
export type SignalResponse = z.infer<typeof SignalResponse>;
