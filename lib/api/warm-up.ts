import "server-only";

// The first page a console renders after it starts pays for compiling React's and Next's
// renderers: ≈ 250 ms more than the next one on 2 cores (measured: the first Tables page 459 ms,
// 206 ms once another page had been rendered). The sign-in page — public, read-only — is rendered
// once at start, so the first DBA to open a page after a restart does not pay it.

/** Renders /login once, in the background, as soon as the server answers; production only. */
export function warmUpRenderer(): void {
  // Set by `next start` when it listens (next/dist/server/lib/start-server.js): the console's
  // own address as it listens, whatever PGWARDEN_PUBLIC_ORIGIN says users open.
  const origin = process.env.__NEXT_PRIVATE_ORIGIN;
  if (!origin || process.env.NODE_ENV !== "production") return;
  // Requests wait until start-up is over; this one must not hold start-up up.
  setTimeout(() => {
    fetch(new URL("/login", origin), { headers: { "user-agent": "pgwarden-warm-up" }, signal: AbortSignal.timeout(30_000) })
      .then((res) => res.arrayBuffer())
      .catch(() => {}); // nothing depends on it: the first real page is then merely slower
  }, 0);
}
