import "server-only";
import { processWide } from "@/lib/process-wide";

// Per-server reachability, so a page can say "unreachable since T" instead of a bare error.
const unreachableSince = processWide("health.unreachable-since", () => new Map<string, number>()); // one per process (lib/process-wide.ts)

export function markReachable(server: string) {
  unreachableSince.delete(server);
}

export function markUnreachable(server: string): number {
  const since = unreachableSince.get(server) ?? Date.now();
  unreachableSince.set(server, since);
  return since;
}

export function serverUnreachableSince(server: string): number | undefined {
  return unreachableSince.get(server);
}
