import { handler } from "@/lib/api/handler";
import { clearedSessionCookie, isSecureContext, sessionTokenFrom } from "@/lib/auth/cookie";
import { logout } from "@/lib/auth/login";
import { EmptyRequest, OkResponse } from "@/lib/schemas/auth";

export const dynamic = "force-dynamic";

export const POST = handler(
  { permission: "read", audit: false /* lib/auth/login.ts audits sign-out as a sign-in event */, body: EmptyRequest, response: OkResponse },
  async ({ request, user, client, responseHeaders }) => {
    await logout(sessionTokenFrom(request), user, client);
    responseHeaders.append("set-cookie", clearedSessionCookie(isSecureContext(request)));
    return { ok: true as const };
  },
);
