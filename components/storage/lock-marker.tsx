import type { RelationLockInfo } from "@/lib/schemas/storage";

/**
 * Next to a size that is an estimate (relpages × block size) because a lock keeps the console from
 * measuring it: who holds or queues the lock, and their statement on hover. Minimal marker from
 * the lock-aware sizes (issue 9 item 5); the storage pages may give it a richer place.
 */
export function LockMarker({ lock }: { lock: RelationLockInfo | null }) {
  if (!lock) return null;
  const who = lock.pid === null ? "a prepared transaction" : `pid ${lock.pid}`;
  return (
    <span data-testid="size-lock" title={lock.note} className="ml-1 whitespace-nowrap rounded bg-amber-100 px-1 text-xs text-amber-900 dark:bg-amber-900/40 dark:text-amber-200">
      estimate — {lock.granted ? "locked" : "lock queued"} by {who}
    </span>
  );
}
