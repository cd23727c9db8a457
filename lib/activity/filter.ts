import type { ActivityQuery, Session } from "@/lib/schemas/activity";
import { ageMs, sessionDurationMs } from "./duration";

// Filters run on the shared snapshot in the app server, so viewers with different filters
// still share one query on the monitored database.

function list(v: string | undefined): string[] | undefined {
  if (!v) return undefined;
  const items = v.split(",").map((s) => s.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

export function filterSessions(sessions: Session[], q: ActivityQuery, serverNow: number): Session[] {
  const states = list(q.state);
  const databases = list(q.database);
  const users = list(q.user);
  const apps = list(q.application);
  const text = q.text?.toLowerCase();
  const minMs = q.minDuration !== undefined ? q.minDuration * 1000 : undefined;
  return sessions.filter((s) => {
    if (q.background !== "1" && s.backendType !== "client backend") return false;
    if (states && !states.includes(s.state ?? "")) return false;
    if (databases && !databases.includes(s.database ?? "")) return false;
    if (users && !users.includes(s.user ?? "")) return false;
    if (apps && !apps.includes(s.application)) return false;
    if (minMs !== undefined && (sessionDurationMs(s, serverNow) ?? -1) < minMs) return false;
    if (text) {
      const hay = `${s.query ?? ""}\n${s.application}\n${s.user ?? ""}\n${s.database ?? ""}\n${s.pid}`.toLowerCase();
      if (!hay.includes(text)) return false;
    }
    return true;
  });
}

type Key = (s: Session, now: number) => number | string | null;

const KEYS: Record<NonNullable<ActivityQuery["sort"]>, Key> = {
  duration: (s, now) => sessionDurationMs(s, now),
  query_age: (s, now) => ageMs(s.queryStart, now),
  xact_age: (s, now) => ageMs(s.xactStart, now),
  backend_age: (s, now) => (s.backendStartUs === null ? null : now - s.backendStartUs / 1000),
  pid: (s) => s.pid,
  database: (s) => s.database,
  user: (s) => s.user,
  application: (s) => s.application,
  state: (s) => s.state,
};

const TIME_KEYS = new Set(["duration", "query_age", "xact_age", "backend_age"]);

/** Ages sort longest first; names and pids alphabetically. */
export function defaultSortDir(key: NonNullable<ActivityQuery["sort"]>): "asc" | "desc" {
  return TIME_KEYS.has(key) ? "desc" : "asc";
}

/** Sorts a copy; nulls always last, ties broken by pid so rows don't jump between polls. */
export function sortSessions(sessions: Session[], q: ActivityQuery, serverNow: number): Session[] {
  const key = KEYS[q.sort ?? "duration"];
  const dir = (q.dir ?? defaultSortDir(q.sort ?? "duration")) === "asc" ? 1 : -1;
  const withKeys = sessions.map((s) => ({ s, k: key(s, serverNow) }));
  withKeys.sort((a, b) => {
    if (a.k === null && b.k === null) return a.s.pid - b.s.pid;
    if (a.k === null) return 1;
    if (b.k === null) return -1;
    const c = typeof a.k === "number" && typeof b.k === "number" ? a.k - b.k : String(a.k).localeCompare(String(b.k));
    return c !== 0 ? c * dir : a.s.pid - b.s.pid;
  });
  return withKeys.map((x) => x.s);
}
