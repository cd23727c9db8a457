import { serverActivity } from "@/lib/activity/server-activity";
import { handler } from "@/lib/api/handler";
import { ActivityQuery, ActivityResponse } from "@/lib/schemas/activity";
import { ServerParams } from "@/lib/schemas/common";

export const dynamic = "force-dynamic";

export const GET = handler(
  { permission: "read", params: ServerParams, query: ActivityQuery, response: ActivityResponse },
  ({ params, query, role }) => serverActivity(params.server, query, role),
);
