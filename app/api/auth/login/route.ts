import { publicHandler } from "@/lib/api/handler";
import { isSecureContext, sessionCookie } from "@/lib/auth/cookie";
import { login } from "@/lib/auth/login";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/store/sessions";
import { LoginRequest, LoginResponse } from "@/lib/schemas/auth";

export const dynamic = "force-dynamic";

// No session needed here, but the CSRF checks (POST, Origin, JSON) still apply.
export const POST = publicHandler(
  { body: LoginRequest, response: LoginResponse },
  async ({ body, client, request, responseHeaders }) => {
    const { token, user } = await login(body.name, body.password, client);
    responseHeaders.append("set-cookie", sessionCookie(token, SESSION_MAX_AGE_SECONDS, isSecureContext(request)));
    return { user: { id: user.id, name: user.name, defaultRole: user.defaultRole } };
  },
);
