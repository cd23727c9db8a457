import type { Session } from "@/lib/schemas/activity";

/**
 * How long the session has been doing what it does now: the query's age when active, the
 * transaction's age when idle in transaction (that is what holds back VACUUM and locks), and the
 * time in state otherwise. Milliseconds, or null when PostgreSQL does not say.
 */
export function sessionDurationMs(s: Session, serverNow: number): number | null {
  const since =
    s.state === "active"
      ? s.queryStart
      : s.state?.startsWith("idle in transaction")
        ? (s.xactStart ?? s.stateChange)
        : (s.stateChange ?? s.queryStart);
  return since === null ? null : Math.max(0, serverNow - since);
}

export function ageMs(since: number | null, serverNow: number): number | null {
  return since === null ? null : Math.max(0, serverNow - since);
}
