import "server-only";
import { isIP } from "node:net";
import { env } from "@/lib/config/env";
import { PEER_HEADER } from "./peer-header";

// The client's address, for sign-in throttling and the audit log (both get the same value).
// The socket's peer comes from PEER_HEADER, which lib/auth/peer-address.ts sets on every request
// before Next sees it (a client's own copy is overwritten). X-Forwarded-For is believed only
// across PGWARDEN_TRUSTED_PROXIES hops: each trusted proxy appends the address it saw, so with N
// of them the client is the Nth entry from the right; everything left of it is the client's own
// text. A value that is not an IP address is never used (no bypass, no injection into the log):
// the peer is used instead, or the fixed bucket "unknown", which is throttled like any address.

export const UNKNOWN_CLIENT = "unknown";

/** An IP address in canonical text, or undefined ("1.2.3.4:80", "[::1]:80", "::ffff:1.2.3.4" accepted). */
export function normaliseAddress(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  let v = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(v);
  if (bracketed) v = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(v)) v = v.slice(0, v.lastIndexOf(":"));
  v = v.replace(/%[0-9A-Za-z._-]+$/, ""); // IPv6 zone id
  v = v.replace(/^::ffff:(?=\d{1,3}(\.\d{1,3}){3}$)/i, "");
  return isIP(v) ? v.toLowerCase() : undefined;
}

export function clientAddress(request: Request): string {
  const hops = env().PGWARDEN_TRUSTED_PROXIES;
  const peer = normaliseAddress(request.headers.get(PEER_HEADER));
  if (hops === 0) return peer ?? UNKNOWN_CLIENT;
  const header = request.headers.get("x-forwarded-for");
  // Empty entries keep their place: counting hops must not skip anything the client wrote.
  const forwarded = header === null ? [] : header.split(",").map((s) => s.trim());
  const claimed = forwarded.length >= hops ? normaliseAddress(forwarded[forwarded.length - hops]) : undefined;
  return claimed ?? peer ?? UNKNOWN_CLIENT;
}
