// Runs once when the server starts (Node runtime only; the imports keep Node APIs out of Edge builds).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { refuseToStartWithoutConfig } = await import("@/lib/auth/startup");
    refuseToStartWithoutConfig();
    // The client's real address for sign-in throttling and the audit log (lib/auth/client-address.ts).
    const { recordPeerAddresses } = await import("@/lib/auth/peer-address");
    recordPeerAddresses();
    // Open the store now: an unsafe store login stops a production console here, with the reason.
    const { openStoreAtBoot } = await import("@/lib/auth/startup");
    openStoreAtBoot();
    // The maintenance worker claims queued jobs and marks jobs of a dead console "unknown" at start.
    const { ensureJobWorker } = await import("@/lib/jobs/worker");
    ensureJobWorker();
    // The metrics sampler leases its share of the servers and samples them (PGWARDEN_SAMPLER=off: none).
    (await import("@/lib/monitoring/sampler")).ensureSampler();
    // One page rendered at start: the first DBA's page does not pay for compiling the renderer.
    (await import("@/lib/api/warm-up")).warmUpRenderer();
  }
}
