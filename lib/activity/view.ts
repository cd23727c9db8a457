import type { ActivityQuery, ActivityResponse, ActivitySummary, Session } from "@/lib/schemas/activity";
import { ageMs } from "./duration";
import { filterSessions, sortSessions } from "./filter";
import { blockingTrees, withSessions } from "./tree";

/** Rows sent to one browser at most: the page virtualizes, but a response must stay bounded. */
export const MAX_ROWS = 5_000;

export function summarize(sessions: Session[], maxConnections: number, reservedConnections: number, serverNow: number): ActivitySummary {
  const clients = sessions.filter((s) => s.backendType === "client backend");
  // The console's own read is always "active" while it takes this very snapshot: counted apart
  // (with the console's maintenance jobs), not as the server's work.
  const work = clients.filter((s) => s.unkillable !== "console_session");
  const console = clients.filter((s) => s.unkillable === "console_session");
  const max = (vals: (number | null)[]) => vals.reduce<number | null>((m, v) => (v !== null && (m === null || v > m) ? v : m), null);
  return {
    maxConnections,
    reservedConnections,
    connections: clients.length,
    active: work.filter((s) => s.state === "active").length,
    consoleActive: console.filter((s) => s.state === "active").length,
    idle: clients.filter((s) => s.state === "idle").length,
    idleInTransaction: clients.filter((s) => s.state?.startsWith("idle in transaction")).length,
    waiting: sessions.filter((s) => s.waitEventType === "Lock").length,
    longestQueryMs: max(work.filter((s) => s.state === "active").map((s) => ageMs(s.queryStart, serverNow))),
    longestTransactionMs: max(clients.map((s) => ageMs(s.xactStart, serverNow))),
  };
}

export function activityView(
  snapshot: { serverNow: number; sessions: Session[]; role: { maxConnections: number; reservedConnections: number; readAllStats: boolean; superuser: boolean } },
  q: ActivityQuery,
  readAt: number,
): ActivityResponse {
  const { serverNow, sessions, role } = snapshot;
  const rows = sortSessions(filterSessions(sessions, q, serverNow), q, serverNow);
  return {
    readAt,
    serverNow,
    summary: summarize(sessions, role.maxConnections, role.reservedConnections, serverNow),
    sessions: rows.slice(0, MAX_ROWS),
    totalSessions: sessions.length,
    blockingTrees: withSessions(blockingTrees(sessions), sessions),
    limitedVisibility: !role.readAllStats && !role.superuser,
    truncated: rows.length > MAX_ROWS,
  };
}
