import { handler } from "@/lib/api/handler";
import { sessionLocks } from "@/lib/pg/locks";
import { SessionLocksParams, SessionLocksQuery, SessionLocksResponse } from "@/lib/schemas/locks";

export const dynamic = "force-dynamic";

/** The locks a session holds and waits for, if the pid is still the session started at backendStartUs. */
export const GET = handler(
  { permission: "read", params: SessionLocksParams, query: SessionLocksQuery, response: SessionLocksResponse },
  ({ params, query, role }) => sessionLocks(params.server, params.pid, query.backendStartUs, role),
);
