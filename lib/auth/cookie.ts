import "server-only";
import { createHmac, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/config/env";
import { consoleSecretKey } from "./secret";

// The cookie is "<token>.<HMAC(secret, token)>": anything else (a path, a guess, a truncated
// value) is refused without a store lookup. Under https the __Host- prefix pins it to this
// origin (Secure, Path=/, no Domain).

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export function publicOrigin(): string | undefined {
  const o = env().PGWARDEN_PUBLIC_ORIGIN;
  return o ? o.replace(/\/+$/, "") : undefined;
}

/** https when the configured public origin (or, without one, the request) is https. */
export function isSecureContext(request?: Request): boolean {
  const origin = publicOrigin();
  if (origin) return origin.startsWith("https://");
  return request ? new URL(request.url).protocol === "https:" : false;
}

export function cookieName(secure: boolean): string {
  return secure ? "__Host-pgwarden_session" : "pgwarden_session";
}

function mac(token: string): string {
  return createHmac("sha256", consoleSecretKey()).update(token).digest("base64url");
}

export function signToken(token: string): string {
  return `${token}.${mac(token)}`;
}

/** The token inside a cookie value, or undefined when the value was not issued by us. */
export function verifiedToken(value: string | undefined): string | undefined {
  if (!value || value.length > 200) return undefined;
  const dot = value.indexOf(".");
  const token = value.slice(0, dot);
  if (dot < 0 || !TOKEN.test(token)) return undefined;
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(mac(token));
  return given.length === expected.length && timingSafeEqual(given, expected) ? token : undefined;
}

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The session token from the request's cookie, if it carries a valid MAC. */
export function sessionTokenFrom(request: Request): string | undefined {
  return verifiedToken(readCookie(request.headers.get("cookie"), cookieName(isSecureContext(request))));
}

export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  const attrs = [`${cookieName(secure)}=${signToken(token)}`, "Path=/", "HttpOnly", "SameSite=Strict", `Max-Age=${maxAgeSeconds}`];
  if (secure) attrs.push("Secure");
  return attrs.join("; ");
}

export function clearedSessionCookie(secure: boolean): string {
  return [`${cookieName(secure)}=`, "Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=0", ...(secure ? ["Secure"] : [])].join("; ");
}
