import { handler } from "@/lib/api/handler";
import { lintForServer } from "@/lib/lint/server";
import { ServerParams } from "@/lib/schemas/common";
import { LintRequest, LintResponse } from "@/lib/schemas/lint";

export const dynamic = "force-dynamic";

// Linting reads nothing but the server version and, with ?db, catalog sizes and pg_locks.
// It runs in a worker thread, one at a time per user (429 for a second one).
export const POST = handler(
  { permission: "read", audit: false /* reads only: POST because the SQL can be 1 MB */, params: ServerParams, body: LintRequest, response: LintResponse },
  async ({ params, body, user, role }) => lintForServer(params.server, body, { owner: `user:${user.id}`, role }),
);
