import "server-only";
import { activitySnapshot, type ActivitySnapshot } from "@/lib/pg/activity";
import { queryTextFor, queryTextMode } from "@/lib/pg/query-text";
import { coalescedRead } from "@/lib/pg/run";
import type { ActivityQuery, ActivityResponse, Session } from "@/lib/schemas/activity";
import { activityView } from "./view";

// Normalized query text (PGWARDEN_QUERY_TEXT) per shared snapshot: every viewer polling within
// the read's lifetime reuses one array. Filters (the text search too) then run on what this
// role may see, so a search cannot probe the literals it hides.
const normalizedOf = new WeakMap<ActivitySnapshot, Promise<Session[]>>();

function sessionsFor(snap: ActivitySnapshot, role: string): Session[] | Promise<Session[]> {
  if (queryTextMode(role) === "full") return snap.sessions;
  let sessions = normalizedOf.get(snap);
  if (!sessions) normalizedOf.set(snap, (sessions = queryTextFor(snap.sessions, role)));
  return sessions;
}

/** The activity view of one server: one shared snapshot per interval, filtered per viewer. */
export async function serverActivity(server: string, q: ActivityQuery, role: string): Promise<ActivityResponse> {
  const snap = await coalescedRead({ server }, "activity", async (db) => ({
    ...(await activitySnapshot(db)),
    readAt: Date.now(),
  }));
  return activityView({ ...snap, sessions: await sessionsFor(snap, role) }, q, snap.readAt);
}
