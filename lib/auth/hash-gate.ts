import "server-only";
import { env } from "@/lib/config/env";
import { processWide } from "@/lib/process-wide";

// scrypt costs ~100 ms of a core and 32 MiB per password check. Unthrottled, 400 parallel sign-ins
// with random names queued 400 hashes on libuv's 4 threads and a real sign-in waited 45 s. So a
// process computes at most PGWARDEN_LOGIN_MAX_CONCURRENT_HASHES at once (default: half the cores,
// so the event loop keeps a core), and one address at most one at a time. Anything beyond is
// answered 429 with Retry-After at once, before any store query or hashing: no queue ever grows,
// and a real person's retry a moment later finds a free slot.

// Per process, not per bundle (lib/process-wide.ts): the limit is the process's cores.
const slots = processWide("hash-gate", () => ({ running: 0, perAddress: new Map<string, number>() }));
const { perAddress } = slots;

/** A release function when a slot was free, undefined when the caller must be turned away. */
export function tryHashSlot(address: string): (() => void) | undefined {
  const max = env().PGWARDEN_LOGIN_MAX_CONCURRENT_HASHES;
  if (slots.running >= max || (perAddress.get(address) ?? 0) >= 1) return undefined;
  slots.running++;
  perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    slots.running--;
    const n = (perAddress.get(address) ?? 1) - 1;
    if (n > 0) perAddress.set(address, n);
    else perAddress.delete(address);
  };
}

/** For tests: how many hashes are running now. */
export function hashesRunning(): number {
  return slots.running;
}
