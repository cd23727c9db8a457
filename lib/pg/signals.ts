import "server-only";
import { guardedSignal } from "./backend";
import type { Queryable } from "./types";
import type { SignalKind } from "@/lib/schemas/signals";
import { QUERY_TEXT_LIMIT } from "./activity";

// Guard by identity, not pid alone: pids are reused, so the signal is only sent to the row whose
// backend_start still matches what the person saw.
const TARGET_STATE = /* sql */ `
  SELECT a.pid IS NOT NULL AS present,
         floor(extract(epoch FROM a.backend_start) * 1000000)::int8 AS backend_start_us,
         coalesce(a.application_name, '') AS application_name, a.usename,
         a.backend_type,
         coalesce(r.rolsuper, false) AS is_superuser,
         CASE WHEN a.usesysid IS NULL THEN false
              ELSE pg_has_role(current_user, a.usesysid, 'MEMBER') END AS member_of_role,
         a.pid = pg_backend_pid() AS is_self,
         left(a.query, $2) AS query
    FROM (SELECT $1::int4 AS pid) x
    LEFT JOIN pg_stat_activity a ON a.pid = x.pid
    LEFT JOIN pg_roles r ON r.oid = a.usesysid`;

export interface TargetState {
  present: boolean;
  backend_start_us: number | null;
  backendStartUs: number | null;
  application_name: string;
  usename: string | null;
  backend_type: string | null;
  is_superuser: boolean;
  member_of_role: boolean;
  is_self: boolean;
  /** What the session runs (or ran last): recorded, redacted, in the audit row of the signal. */
  query: string | null;
}

export async function targetState(db: Queryable, pid: number): Promise<TargetState> {
  // Read in the same transaction as the guarded signal that follows: the query it interrupts.
  const { rows } = await db.query(TARGET_STATE, [pid, QUERY_TEXT_LIMIT]);
  const r = rows[0];
  return { ...r, backendStartUs: r.backend_start_us };
}

/** Sends the signal if the session is still the same one. null: no matching row (nothing sent). */
export async function sendSignal(db: Queryable, kind: SignalKind, pid: number, backendStartUs: number): Promise<boolean | null> {
  const r = await guardedSignal(db, kind, { pid, backendStartUs });
  return r === "sent" ? true : r === "no_match" ? null : false;
}
