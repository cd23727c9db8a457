import "server-only";
import { ApiError } from "@/lib/api/errors";
import { publicOrigin } from "./cookie";

// Route Handlers get no CSRF protection from Next (only Server Actions do), so every state
// change is checked here: POST only, an exact Origin match (missing or "null" refused),
// Sec-Fetch-Site same-origin when the browser sends it, and a JSON body (not a form).

/** The origin the console is served at: configured, or (outside production) the request's own. */
export function expectedOrigin(request: Request): string {
  return publicOrigin() ?? new URL(request.url).origin;
}

export function checkStateChange(request: Request): void {
  if (request.method !== "POST") {
    throw new ApiError(405, "method_not_allowed", "Changes are made with POST only.");
  }
  const origin = request.headers.get("origin");
  if (!origin || origin === "null" || origin !== expectedOrigin(request)) {
    throw new ApiError(403, "cross_origin", "Refused: the request did not come from this console's origin.");
  }
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") {
    throw new ApiError(403, "cross_origin", "Refused: the browser reports a cross-site request.");
  }
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ApiError(415, "unsupported_media_type", "Send a JSON body (Content-Type: application/json).");
  }
}
