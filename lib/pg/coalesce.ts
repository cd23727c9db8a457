import "server-only";
import { StillComputingError } from "./errors";

// Single-flight + short TTL: N viewers polling the same panel cause one query per interval.
// While a computation is in flight every caller of its key shares it, whatever the TTL (a TTL of 0
// means "do not reuse a finished result", never "run it again for each concurrent caller": on
// 10,004 tables three cold requests used to run the size snapshot three times).
interface Entry {
  at: number;
  promise: Promise<unknown>;
  settled: boolean;
}

const entries = new Map<string, Entry>();

function start<T>(load: () => Promise<T>): Promise<T> {
  try {
    return load();
  } catch (err) {
    return Promise.reject(err);
  }
}

export function coalesce<T>(key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && (!hit.settled || now - hit.at < ttlMs)) return hit.promise as Promise<T>;
  const promise = start(load);
  const entry: Entry = { at: now, promise, settled: false };
  entries.set(key, entry);
  // A failure is shared by the callers waiting on it, but not cached for later ones. This handler
  // also makes sure a rejection nobody awaits is never an unhandledRejection.
  promise.then(
    () => void (entry.settled = true),
    () => {
      entry.settled = true;
      if (entries.get(key) === entry) entries.delete(key);
    },
  );
  if (entries.size > 5_000) pruneOlderThan(now - 60_000);
  return promise;
}

function pruneOlderThan(cutoff: number) {
  for (const [k, e] of entries) if (e.settled && e.at < cutoff) entries.delete(k);
}

/** After an action, the next read must see the new state. */
export function invalidate(prefix: string) {
  for (const k of entries.keys()) if (k.startsWith(prefix)) entries.delete(k);
}

interface StaleEntry {
  at: number;
  value: unknown;
}

const stale = new Map<string, StaleEntry>();
/** bumped by invalidateStale: a computation started before must not store its (older) result */
const generation = new Map<string, number>();

export interface StaleOptions {
  /**
   * How long a caller with no usable value waits for the computation; after that it gets a
   * StillComputingError while the computation goes on (its result serves the next caller).
   */
  waitMs?: number;
}

/** Resolves with `p`, or rejects with StillComputingError after `waitMs` (p keeps running). */
function bounded<T>(p: Promise<T>, waitMs: number | undefined): Promise<T> {
  if (!waitMs) return p;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StillComputingError(waitMs)), waitMs);
    p.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

/**
 * Like coalesce(), for expensive snapshots (sizes, bloat): once the TTL has passed, callers still
 * get the last value at once (up to `maxStaleMs` old) while ONE refresh runs in the background, so
 * no viewer waits for the once-a-minute recomputation except the very first. A failed background
 * refresh is dropped (the next caller starts another); it never rejects unhandled.
 */
export function coalesceStale<T>(key: string, ttlMs: number, maxStaleMs: number, load: () => Promise<T>, opts: StaleOptions = {}): Promise<T> {
  const now = Date.now();
  const hit = stale.get(key);
  if (hit && now - hit.at < ttlMs) return Promise.resolve(hit.value as T);
  const gen = generation.get(key) ?? 0;
  const refresh = coalesce(`stale\u0000${key}\u0000${gen}`, 0, async () => {
    const value = await load();
    if ((generation.get(key) ?? 0) === gen) stale.set(key, { at: Date.now(), value });
    return value;
  });
  if (hit && now - hit.at < maxStaleMs) {
    // The next caller retries; the operator's log says why this one failed.
    refresh.catch((err: Error) => console.error(`pgwarden: background refresh of ${key.replaceAll("\u0000", "/")} failed:`, err?.message ?? err));
    return Promise.resolve(hit.value as T);
  }
  return bounded(refresh, opts.waitMs);
}

/** After maintenance, the next read must not show the old snapshot. */
export function invalidateStale(prefix: string) {
  for (const k of stale.keys()) if (k.startsWith(prefix)) stale.delete(k);
  for (const k of entries.keys()) {
    if (!k.startsWith(`stale\u0000${prefix}`)) continue;
    const key = k.slice("stale\u0000".length, k.lastIndexOf("\u0000"));
    generation.set(key, (generation.get(key) ?? 0) + 1);
    entries.delete(k);
  }
}
