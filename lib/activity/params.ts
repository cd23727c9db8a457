import { z } from "@/lib/schemas/zod";
import { ActivityQuery } from "@/lib/schemas/activity";
import { DatabaseName } from "@/lib/schemas/common";
import { readParams } from "@/lib/queries/url-params";

// The Activity page's URL: the route's filters, except that the database is the header's
// database picker (`db`), the same parameter every other page uses, not a second filter of its own.

export const ActivityPageQuery = ActivityQuery.omit({ database: true }).extend({ db: DatabaseName.optional() });
export type ActivityPageQuery = z.infer<typeof ActivityPageQuery>;

/** Links made before the picker and the filter were one: `?database=shop` means `?db=shop`. */
export const ACTIVITY_RENAMED = { database: "db" } as const;

/** What the page asks the activity route for. */
export function activityApiQuery(p: ActivityPageQuery): ActivityQuery {
  const { db, ...rest } = p;
  return { ...rest, ...(db ? { database: db } : {}) };
}

/** The page's query from a URL, with what the browser will correct left out (server render). */
export function activityPageQueryFrom(params: URLSearchParams): ActivityPageQuery {
  const { values } = readParams({ fields: ActivityPageQuery.shape, renamed: ACTIVITY_RENAMED }, params);
  const parsed = ActivityPageQuery.safeParse(values);
  return parsed.success ? parsed.data : {};
}
