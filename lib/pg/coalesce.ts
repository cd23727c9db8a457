import "server-only";

// Single-flight + short TTL: N viewers polling the same panel cause one query per interval.
interface Entry {
  at: number;
  promise: Promise<unknown>;
}

const entries = new Map<string, Entry>();

export function coalesce<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && now - hit.at < ttlMs) return hit.promise as Promise<T>;
  const promise = load();
  const entry = { at: now, promise };
  entries.set(key, entry);
  // A failure is shared by the callers waiting on it, but not cached for later ones.
  promise.catch(() => {
    if (entries.get(key) === entry) entries.delete(key);
  });
  if (entries.size > 5_000) pruneOlderThan(now - 60_000);
  return promise;
}

function pruneOlderThan(cutoff: number) {
  for (const [k, e] of entries) if (e.at < cutoff) entries.delete(k);
}

/** After an action, the next read must see the new state. */
export function invalidate(prefix: string) {
  for (const k of entries.keys()) if (k.startsWith(prefix)) entries.delete(k);
}
