import "server-only";
import { env } from "@/lib/config/env";

// The first page a console renders after it starts pays for compiling React's and Next's
// renderers: ≈ 250 ms more than the next one on 2 cores (measured: the first Tables page 459 ms,
// 206 ms once another page had been rendered). The sign-in page — public, read-only — is rendered
// once at start, so the first DBA to open a page after a restart does not pay it.

/** Renders /login once, in the background, as soon as the server answers; production only. */
export function warmUpRenderer(): void {
  // The console's own address as `next start` listens, whatever PGWARDEN_PUBLIC_ORIGIN says users open.
  const { __NEXT_PRIVATE_ORIGIN: origin, NODE_ENV } = env();
  if (!origin || NODE_ENV !== "production") return;
  // Requests wait until start-up is over; this one must not hold start-up up.
  setTimeout(() => {
    fetch(new URL("/login", origin), { headers: { "user-agent": "pgwarden-warm-up" }, signal: AbortSignal.timeout(30_000) })
      .then((res) => res.arrayBuffer())
      .catch(() => {}); // nothing depends on it: the first real page is then merely slower
  }, 0);
}
