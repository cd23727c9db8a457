import "server-only";
import type { SignalKind } from "@/lib/schemas/signals";
import type { Queryable } from "./types";

// One backend identity and ONE guarded-signal statement for every signal the console sends: the
// cancel/terminate buttons (lib/actions/signal.ts), a job's cancel and the orphan watch
// (lib/jobs, through job-backend.ts). Pids are reused, so a backend is its pid AND its
// backend_start; a signal goes only to the row that still matches both (and, for a job, only while
// it runs the job's tagged statement).

/** A backend by identity: pid + backend_start in microseconds since the epoch (exact). */
export interface BackendIdentity {
  pid: number;
  backendStartUs: number;
}

/** backend_start as the console prints it ("…SS.uuuuuuZ", to_char … US) → microseconds since the epoch. */
export function backendStartUs(iso: string): number | undefined {
  const m = /^(.*)\.(\d{6})Z$/.exec(iso);
  return m ? (Date.parse(`${m[1]}Z`) / 1000) * 1_000_000 + Number(m[2]) : undefined;
}

// The function name is chosen from a fixed pair, never from input. $3: a statement prefix the
// backend must be running now (a job's tag), or NULL for any.
const GUARDED_SIGNAL = (fn: "pg_cancel_backend" | "pg_terminate_backend") => /* sql */ `
  SELECT CASE WHEN $3::text IS NULL OR (a.state = 'active' AND left(a.query, length($3::text)) = $3::text) THEN ${fn}(a.pid) END AS sent
    FROM pg_stat_activity a
   WHERE a.pid = $1::int4 AND floor(extract(epoch FROM a.backend_start) * 1000000)::int8 = $2::int8`;

const SIGNAL: Record<SignalKind, string> = {
  cancel: GUARDED_SIGNAL("pg_cancel_backend"),
  terminate: GUARDED_SIGNAL("pg_terminate_backend"),
};

/**
 * sent: PostgreSQL accepted the signal; no_match: no backend with that identity (ended, or the pid
 * was reused), nothing sent; gone: PostgreSQL reports it gone (pg_*_backend false with a WARNING);
 * not_running: the backend is there but not running `runningPrefix`, so nothing was sent.
 */
export type GuardedSignalResult = "sent" | "no_match" | "gone" | "not_running";

export async function guardedSignal(db: Queryable, kind: SignalKind, b: BackendIdentity, runningPrefix?: string): Promise<GuardedSignalResult> {
  const { rows } = await db.query(SIGNAL[kind], [b.pid, b.backendStartUs, runningPrefix ?? null]);
  if (!rows[0]) return "no_match";
  if (rows[0].sent === null) return "not_running";
  return rows[0].sent === true ? "sent" : "gone";
}
