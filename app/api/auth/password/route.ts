import { handler } from "@/lib/api/handler";
import { isSecureContext, sessionCookie } from "@/lib/auth/cookie";
import { changePassword } from "@/lib/auth/login";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/store/sessions";
import { OkResponse, PasswordRequest } from "@/lib/schemas/auth";

export const dynamic = "force-dynamic";

// Every session of the user ends; this browser gets a fresh one.
export const POST = handler(
  { permission: "read", audit: false /* lib/auth/login.ts audits the change as a sign-in event */, body: PasswordRequest, response: OkResponse },
  async ({ body, user, client, request, responseHeaders }) => {
    const token = await changePassword(user, body.current, body.next, client);
    responseHeaders.append("set-cookie", sessionCookie(token, SESSION_MAX_AGE_SECONDS, isSecureContext(request)));
    return { ok: true as const };
  },
);
