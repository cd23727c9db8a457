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

interface StaleEntry {
  at: number;
  value: unknown;
  refreshing?: Promise<unknown>;
}

const stale = new Map<string, StaleEntry>();

/**
 * Like coalesce(), for expensive snapshots (sizes, bloat): once the TTL has passed, callers still
 * get the last value at once (up to `maxStaleMs` old) while ONE refresh runs in the background, so
 * no viewer waits for the once-a-minute recomputation except the very first.
 */
export async function coalesceStale<T>(key: string, ttlMs: number, maxStaleMs: number, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = stale.get(key);
  const refresh = () => {
    const p = coalesce(`stale\u0000${key}`, 0, load).then((value) => {
      stale.set(key, { at: Date.now(), value });
      return value;
    });
    if (hit) hit.refreshing = p.finally(() => void (hit.refreshing = undefined));
    return p;
  };
  if (hit && now - hit.at < ttlMs) return hit.value as T;
  if (hit && now - hit.at < maxStaleMs) {
    if (!hit.refreshing) void refresh().catch(() => {}); // the next caller retries
    return hit.value as T;
  }
  return refresh();
}

/** After maintenance, the next read must not show the old snapshot. */
export function invalidateStale(prefix: string) {
  for (const k of stale.keys()) if (k.startsWith(prefix)) stale.delete(k);
}
