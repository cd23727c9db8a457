import "server-only";
import { activitySnapshot } from "@/lib/pg/activity";
import { coalescedRead } from "@/lib/pg/run";
import type { ActivityQuery, ActivityResponse } from "@/lib/schemas/activity";
import { activityView } from "./view";

/** The activity view of one server: one shared snapshot per interval, filtered per viewer. */
export async function serverActivity(server: string, q: ActivityQuery): Promise<ActivityResponse> {
  const snap = await coalescedRead({ server }, "activity", async (db) => ({
    ...(await activitySnapshot(db)),
    readAt: Date.now(),
  }));
  return activityView(snap, q, snap.readAt);
}
