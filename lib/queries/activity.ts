import { ActivityQuery, ActivityResponse } from "@/lib/schemas/activity";
import { SignalResponse, type SessionRef, type SignalKind } from "@/lib/schemas/signals";
import { fetchJson, postJson } from "./fetch-json";

export const ACTIVITY_FILTER_KEYS = ["background", "state", "database", "user", "application", "minDuration", "text", "sort", "dir"] as const;

/** The page's filters, read from the URL and checked with the route's own schema. */
export function activityFiltersFrom(params: URLSearchParams): ActivityQuery {
  const raw = Object.fromEntries(ACTIVITY_FILTER_KEYS.map((k) => [k, params.get(k) ?? undefined]));
  const parsed = ActivityQuery.safeParse(raw);
  return parsed.success ? parsed.data : {};
}

export function activityUrl(server: string, q: ActivityQuery): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== "") sp.set(k, String(v));
  const qs = sp.toString();
  return `/api/servers/${server}/activity${qs ? `?${qs}` : ""}`;
}

export const activityKey = (server: string, q: ActivityQuery) => ["activity", server, q] as const;

export function fetchActivity(server: string, q: ActivityQuery) {
  return fetchJson(activityUrl(server, q), ActivityResponse);
}

export function postSignal(server: string, kind: SignalKind, sessions: SessionRef[], requestId: string) {
  const body = kind === "terminate" ? { sessions, requestId, confirm: "terminate" } : { sessions, requestId };
  return postJson(`/api/servers/${server}/activity/${kind}`, body, SignalResponse);
}
