import { NextResponse, type NextRequest } from "next/server";

// Next 16 "proxy" (formerly middleware): security headers on every response, a per-request
// CSP nonce for pages (Next reads it from the request's CSP header and puts it on its own
// scripts; the pages must therefore render dynamically), and a redirect to /login for pages
// without a session cookie. This is an optimistic check only: every page and route verifies
// the session itself (lib/auth), the proxy just saves a round-trip.

const PUBLIC_PAGES = new Set(["/login"]);

function csp(nonce: string, dev: boolean, https: boolean): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts loaded by the nonce'd bootstrap are trusted; no unsafe-inline/eval
    // in production (React's dev build needs eval for its stack traces, dev only).
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' 'nonce-${nonce}'`,
    // Style *attributes* cannot run code; server-rendered charts and virtualized rows need them.
    // <style> elements still need the nonce.
    `style-src-attr 'unsafe-inline'`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

function hasSessionCookie(request: NextRequest): boolean {
  return request.cookies.has("__Host-pgwarden_session") || request.cookies.has("pgwarden_session");
}

/** The console is served over https (as configured; without a configured origin, as requested). */
function servedOverHttps(request: NextRequest): boolean {
  return (process.env.PGWARDEN_PUBLIC_ORIGIN ?? request.url).startsWith("https://");
}

// One year, as browsers' preload lists require; includeSubDomains covers hosts below the
// console's own name only. Sent on every response (pages, API, redirects) once https is the origin.
const HSTS = "max-age=31536000; includeSubDomains";

function secureHeaders(response: NextResponse, request: NextRequest): NextResponse {
  if (servedOverHttps(request)) response.headers.set("Strict-Transport-Security", HSTS);
  response.headers.set("X-Content-Type-Options", "nosniff");
  // The sign-in page posts a plain form (it must work without JavaScript). Under no-referrer the
  // browser sends such a post with "Origin: null", which the exact Origin check refuses; same-origin
  // still sends nothing to other sites.
  response.headers.set("Referrer-Policy", PUBLIC_PAGES.has(request.nextUrl.pathname) ? "same-origin" : "no-referrer");
  response.headers.set("X-Frame-Options", "DENY");
  // Opt-in (PGWARDEN_COOP, checked at start by lib/config/env.ts): it keeps a window that opened
  // the console from holding a handle on it, but in a fresh tab the browser then swaps renderer
  // processes before showing anything (≈ 150 ms measured, a third of the first-rows budget).
  // Framing is refused either way (X-Frame-Options, frame-ancestors).
  const coop = process.env.PGWARDEN_COOP;
  if (coop === "same-origin" || coop === "same-origin-allow-popups") response.headers.set("Cross-Origin-Opener-Policy", coop);
  response.headers.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  return response;
}

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  // /metrics is for Prometheus: a bearer token, never a session cookie (app/metrics/route.ts).
  if (pathname.startsWith("/api/") || pathname === "/metrics") {
    // Route handlers answer 401 themselves (JSON, not a redirect); they only get the headers.
    return secureHeaders(NextResponse.next(), request);
  }
  if (!PUBLIC_PAGES.has(pathname) && !hasSessionCookie(request)) {
    const login = new URL("/login", request.url);
    if (pathname !== "/") login.searchParams.set("next", `${pathname}${search}`);
    return secureHeaders(NextResponse.redirect(login), request);
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const https = servedOverHttps(request);
  const policy = csp(nonce, process.env.NODE_ENV === "development", https);
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  return secureHeaders(response, request);
}

export const config = {
  matcher: [
    {
      source: "/((?!_next/static|_next/image|favicon.ico).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
