import "server-only";

// The client's address, for the per-address sign-in limit and the audit log.
// `next start` sets X-Forwarded-For from the socket only when the request has none, so the
// header is trusted only as far as PGWARDEN_TRUSTED_PROXIES says: with N trusted reverse
// proxies in front, the Nth entry from the right was written by our own proxy. With 0
// (the default) the last entry is used; a client talking to Next directly can forge it,
// which is why the per-user lockout never depends on it.
export function clientAddress(request: Request): string | null {
  const hops = Math.max(0, Math.min(10, Number(process.env.PGWARDEN_TRUSTED_PROXIES) || 0));
  const entries = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const picked = entries[Math.max(0, entries.length - Math.max(1, hops))];
  if (!picked) return null;
  // Only address-like text is kept: it is stored and shown, never interpreted.
  return /^[0-9A-Fa-f:.]{2,45}$/.test(picked) ? picked.replace(/^::ffff:/, "") : null;
}
