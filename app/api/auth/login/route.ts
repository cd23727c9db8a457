import { ApiError } from "@/lib/api/errors";
import { publicHandler } from "@/lib/api/handler";
import { isSecureContext, sessionCookie } from "@/lib/auth/cookie";
import { isFormPost } from "@/lib/auth/csrf";
import { login } from "@/lib/auth/login";
import { safeNextPath } from "@/lib/auth/next-path";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/store/sessions";
import { LoginFormRequest, LoginResponse } from "@/lib/schemas/auth";

export const dynamic = "force-dynamic";

const seeOther = (location: string) => new Response(null, { status: 303, headers: { location, "cache-control": "no-store" } });

// No session needed here, but the CSRF checks (POST, exact Origin) still apply. The sign-in form
// posts here as JSON from the page's script, or as a plain form post when scripts do not run:
// then the answer is a redirect (to `next`, or back to the form with an error code).
export const POST = publicHandler(
  { body: LoginFormRequest, response: LoginResponse, form: true },
  async ({ body, client, request, responseHeaders }) => {
    const form = isFormPost(request);
    try {
      const { token, user } = await login(body.name, body.password, client);
      responseHeaders.append("set-cookie", sessionCookie(token, SESSION_MAX_AGE_SECONDS, isSecureContext(request)));
      if (form) return seeOther(safeNextPath(body.next));
      return { user: { id: user.id, name: user.name, defaultRole: user.defaultRole } };
    } catch (err) {
      if (!form || !(err instanceof ApiError)) throw err;
      const back = new URLSearchParams({ error: err.code });
      if (body.next) back.set("next", safeNextPath(body.next));
      return seeOther(`/login?${back}`);
    }
  },
);
