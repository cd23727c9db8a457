import "server-only";
import { consoleRole, unkillableReason, type ConsoleRole } from "@/lib/pg/activity";
import { scopePrefix } from "@/lib/pg/cache-keys";
import { invalidateReads } from "@/lib/pg/cache";
import { DbError } from "@/lib/pg/errors";
import type { Target } from "@/lib/pg/pools";
import { redactedQuery } from "@/lib/pg/query-text";
import { act } from "@/lib/pg/run";
import { sendSignal, targetState } from "@/lib/pg/signals";
import type { Queryable } from "@/lib/pg/types";
import type { SessionRef, SignalKind, SignalOutcome, SignalRequest, SignalResponse } from "@/lib/schemas/signals";
import { once } from "./idempotency";

/** Where an action's intent and outcome are recorded (the audit log). */
export interface ActionAudit {
  intent(entry: { action: SignalKind; target: SessionRef }): Promise<unknown>;
  /** `query`: what the session was running when signalled (redacted and clipped). */
  outcome(intentId: unknown, outcome: SignalOutcome, facts?: { query?: string | null }): Promise<void>;
}

/** Audit rows keep the interrupted query short: enough to recognise it, not a copy of the log. */
const AUDIT_QUERY_CHARS = 1_000;

const REFUSALS = {
  console_session: { message: "This is pgwarden's own connection; it is never signalled.", missingRole: undefined },
  background_process: { message: "A background process (autovacuum, walsender, …): pgwarden does not signal these.", missingRole: undefined },
  superuser_session: { message: "A superuser's session: only a superuser may signal it.", missingRole: "superuser" },
  not_permitted: { message: "The console's role may not signal this session.", missingRole: "pg_signal_backend" },
  hidden_session: {
    message: "The console's role cannot see this session's details, so it cannot verify which session it would hit.",
    missingRole: "pg_read_all_stats",
  },
} as const;

/** What the console's role may do, read once per request (a bulk terminate is not N role lookups). */
type RoleOnce = (db: Queryable) => Promise<ConsoleRole>;

function roleOnce(): RoleOnce {
  let role: ConsoleRole | undefined;
  return async (db) => (role ??= await consoleRole(db));
}

async function signalOne(
  target: Target,
  kind: SignalKind,
  ref: SessionRef,
  role: RoleOnce,
  seen: { query?: string | null },
): Promise<SignalOutcome> {
  const base = { pid: ref.pid, backendStartUs: ref.backendStartUs };
  try {
    return await act(target, async (db) => {
      const state = await targetState(db, ref.pid);
      if (!state.present) return { ...base, outcome: "already_gone", message: "The session had already ended; nothing was sent." };
      if (state.backendStartUs !== ref.backendStartUs) {
        return { ...base, outcome: "changed", message: "The session changed since you looked (pid reused); nothing was sent." };
      }
      // Only the session that was asked for: a reused pid's query belongs to someone else.
      seen.query = await redactedQuery(state.query, AUDIT_QUERY_CHARS);
      const reason = unkillableReason(state, await role(db));
      if (reason) return { ...base, outcome: "not_permitted", ...REFUSALS[reason] };
      const sent = await sendSignal(db, kind, ref.pid, ref.backendStartUs);
      if (sent === null) return { ...base, outcome: "already_gone", message: "The session ended before the signal; nothing was sent." };
      if (!sent) return { ...base, outcome: "already_gone", message: "PostgreSQL reports the session is gone." };
      return kind === "cancel"
        ? { ...base, outcome: "cancelled", message: "Cancel sent: the running query is being stopped." }
        : { ...base, outcome: "terminated", message: "Terminate sent: the session is being closed." };
    });
  } catch (err) {
    if (err instanceof DbError && err.code === "not_permitted") {
      return { ...base, outcome: "not_permitted", message: err.message, missingRole: "pg_signal_backend", sqlstate: err.sqlstate };
    }
    // The request may or may not have reached the server: never retried, the page re-reads state.
    return {
      ...base,
      outcome: "unknown",
      message: `Outcome unknown (${err instanceof DbError ? err.message : "no reply"}). Check the session list before trying again.`,
      ...(err instanceof DbError && err.sqlstate ? { sqlstate: err.sqlstate } : {}),
    };
  }
}

/** Signals each listed session (one at a time, each guarded by pid + backend_start). */
export async function signalSessions(target: Target, req: SignalRequest, audit?: ActionAudit): Promise<SignalResponse> {
  const outcomes: SignalOutcome[] = [];
  const role = roleOnce();
  for (const ref of req.sessions) {
    const intentId = await audit?.intent({ action: req.kind, target: ref });
    const seen: { query?: string | null } = {};
    const outcome = await signalOne(target, req.kind, ref, role, seen);
    await audit?.outcome(intentId, outcome, seen);
    outcomes.push(outcome);
  }
  invalidateReads(scopePrefix({ server: target.server })); // the next poll must show the new state
  return { requestId: req.requestId, kind: req.kind, outcomes };
}

/**
 * signalSessions once per (user, request id): a repeat gets the first response and sends nothing;
 * the same id for another kind, other sessions or another server is a 409 (lib/actions/idempotency.ts).
 */
export function signalSessionsOnce(userId: number, target: Target, req: SignalRequest, audit?: ActionAudit): Promise<SignalResponse> {
  const key = {
    userId,
    requestId: req.requestId,
    server: target.server,
    action: req.kind,
    target: req.sessions.map((s) => `${s.pid}@${s.backendStartUs}`).join(","),
  };
  return once(key, req, () => signalSessions(target, req, audit));
}
