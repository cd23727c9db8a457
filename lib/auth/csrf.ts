import "server-only";
import { ApiError } from "@/lib/api/errors";
import { publicOrigin } from "./cookie";
import { isDemo } from "./secret";

// Route Handlers get no CSRF protection from Next (only Server Actions do), so every state
// change is checked here: POST only, an exact Origin match (missing or "null" refused),
// Sec-Fetch-Site same-origin when the browser sends it, and a JSON body (not a form) — except
// the sign-in form, which also posts without JavaScript (a password never goes into a URL).

/** The origin the console is served at: configured, or (outside production) the request's own. */
export function expectedOrigin(request: Request): string {
  return publicOrigin() ?? new URL(request.url).origin;
}

const LOOPBACK = ["localhost", "127.0.0.1", "[::1]"];

/**
 * The origins a state change may come from: exactly the console's. The demo alone also takes the
 * other loopback names of the same port (it prints localhost; people type 127.0.0.1).
 */
export function allowedOrigins(request: Request): string[] {
  return originsAllowedFor(expectedOrigin(request));
}

export function originsAllowedFor(expected: string): string[] {
  if (!isDemo()) return [expected];
  const u = new URL(expected);
  if (!LOOPBACK.includes(u.hostname)) return [expected];
  return LOOPBACK.map((host) => `${u.protocol}//${host}${u.port ? `:${u.port}` : ""}`);
}

export function checkStateChange(request: Request, opts: { form?: boolean } = {}): void {
  if (request.method !== "POST") {
    throw new ApiError(405, "method_not_allowed", "Changes are made with POST only.");
  }
  const origin = request.headers.get("origin");
  if (!origin || origin === "null" || !allowedOrigins(request).includes(origin)) {
    throw new ApiError(403, "cross_origin", `Refused: the request did not come from this console's origin. Open the console at ${expectedOrigin(request)}.`);
  }
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") {
    throw new ApiError(403, "cross_origin", "Refused: the browser reports a cross-site request.");
  }
  const type = request.headers.get("content-type") ?? "";
  if (opts.form && isFormPost(request)) return;
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "Send a JSON body (Content-Type: application/json).");
  }
}

/** A plain HTML form post (sign-in without JavaScript). */
export function isFormPost(request: Request): boolean {
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.headers.get("content-type") ?? "");
}
