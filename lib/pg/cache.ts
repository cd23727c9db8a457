import "server-only";
import { env } from "@/lib/config/env";
import { areaOf, LIFETIMES, printable, type Area, type CacheKey, type CachePrefix } from "./cache-keys";
import { StillComputingError, toDbError } from "./errors";
import { processWide } from "@/lib/process-wide";

// The ONE read cache. Areas call cached(cacheKey(scope, area, ...), load): the key factory
// (cache-keys.ts) sets the lifetime per area; this file shares the work. After an action,
// invalidateReads(scopePrefix(...)) drops the poll reads it changed; after a job,
// invalidateSnapshots(prefix, areas) drops the snapshots too.

// Single-flight + short TTL: N viewers polling the same panel cause one query per interval.
// While a computation is in flight every caller of its key shares it, whatever the TTL (a TTL of 0
// means "do not reuse a finished result", never "run it again for each concurrent caller": on
// 10,004 tables three cold requests used to run the size snapshot three times).
interface Entry {
  at: number;
  ttlMs: number;
  promise: Promise<unknown>;
  settled: boolean;
}

// One cache per process (lib/process-wide.ts): pages and route handlers share every read and snapshot.
const entries = processWide("cache.entries", () => new Map<string, Entry>());

function start<T>(load: () => Promise<T>): Promise<T> {
  try {
    return load();
  } catch (err) {
    return Promise.reject(err);
  }
}

export function coalesce<T>(key: CacheKey, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && (!hit.settled || now - hit.at < ttlMs)) return hit.promise as Promise<T>;
  const promise = start(load);
  const entry: Entry = { at: now, ttlMs, promise, settled: false };
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
  if (now - pruned.at >= PRUNE_EVERY_MS || entries.size > 5_000) pruneExpired(now);
  return promise;
}

// Expired results are dropped, not kept until their key is asked again: most keys are never asked
// again (they carry a snapshot's time, a viewer's filters), and some hold a whole database's
// findings — 20 viewers used to keep every poll's answer in memory.
const PRUNE_EVERY_MS = 5_000;
const pruned = processWide("cache.pruned", () => ({ at: 0 }));

function pruneExpired(now: number) {
  pruned.at = now;
  for (const [k, e] of entries) if (e.settled && now - e.at >= e.ttlMs) entries.delete(k);
}

/** How many poll reads are held (tests: expired ones are let go). */
export const heldReads = () => entries.size;

/** After an action, the next poll read under `prefix` must see the new state. */
export function invalidateReads(prefix: CachePrefix) {
  for (const k of entries.keys()) if (k.startsWith(prefix)) entries.delete(k);
}

interface StaleEntry {
  at: number;
  value: unknown;
}

const stale = processWide("cache.stale", () => new Map<string, StaleEntry>());
/** bumped by invalidateSnapshots: a computation started before must not store its (older) result */
const generation = processWide("cache.generation", () => new Map<string, number>());
/** the one refresh in flight per snapshot key and generation */
const refreshes = processWide("cache.refreshes", () => new Map<string, Promise<unknown>>());

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
export function coalesceStale<T>(key: CacheKey, ttlMs: number, maxStaleMs: number, load: () => Promise<T>, opts: StaleOptions = {}): Promise<T> {
  const now = Date.now();
  const hit = stale.get(key);
  if (hit && now - hit.at < ttlMs) return Promise.resolve(hit.value as T);
  const gen = generation.get(key) ?? 0;
  const flightKey = `${key}\u0000#${gen}`;
  let refresh = refreshes.get(flightKey) as Promise<T> | undefined;
  if (!refresh) {
    const started = start(load).then((value) => {
      if ((generation.get(key) ?? 0) === gen) stale.set(key, { at: Date.now(), value });
      return value;
    });
    refresh = started;
    refreshes.set(flightKey, started);
    const done = () => void (refreshes.get(flightKey) === started && refreshes.delete(flightKey));
    started.then(done, done);
  }
  if (hit && now - hit.at < maxStaleMs) {
    // The next caller retries; the operator's log says why this one failed.
    refresh.catch((err: Error) => console.error(`pgwarden: background refresh of ${printable(key)} failed:`, err?.message ?? err));
    return Promise.resolve(hit.value as T);
  }
  return bounded(refresh, opts.waitMs);
}

/**
 * After maintenance, the next read of these areas' snapshots under `prefix` must not show the old
 * snapshot (nor store one whose computation started before).
 */
export function invalidateSnapshots(prefix: CachePrefix, areas?: readonly Area[]) {
  const hit = (k: string) => k.startsWith(prefix) && (!areas || areas.includes(areaOf(k as CacheKey)));
  for (const k of stale.keys()) if (hit(k)) stale.delete(k);
  for (const k of refreshes.keys()) {
    const key = k.slice(0, k.lastIndexOf("\u0000"));
    if (!hit(key)) continue;
    generation.set(key, (generation.get(key) ?? 0) + 1);
    refreshes.delete(k);
  }
}

/**
 * A snapshot's value if one can be served now (fresh, or stale within its limit while one refresh
 * runs); otherwise its computation is started (shared with every other caller as usual) and
 * undefined is answered at once, for a page that shows something cheaper meanwhile.
 */
export async function cachedIfReady<T>(key: CacheKey, load: () => Promise<T>): Promise<T | undefined> {
  const life = LIFETIMES[areaOf(key)];
  const hit = stale.get(key);
  if (life.kind === "poll" || (hit && Date.now() - hit.at < life.maxStaleMs)) return cached(key, load);
  // Nobody waits for this one: its failure is logged here (the next caller starts another).
  coalesceStale(key, life.ttlMs, life.maxStaleMs, load).catch((err: Error) => console.error(`pgwarden: computing ${printable(key)} failed:`, err?.message ?? err));
  return undefined;
}

/** THE read-cache call: the lifetime comes from the key's area (cache-keys.ts). */
export function cached<T>(key: CacheKey, load: () => Promise<T>): Promise<T> {
  const life = LIFETIMES[areaOf(key)];
  if (life.kind === "poll") return coalesce(key, life.ttlMs ?? env().PGWARDEN_READ_TTL_MS, load);
  const waitMs = life.boundedWait ? env().PGWARDEN_STATEMENT_TIMEOUT_MS + 1_000 : undefined;
  // A cold snapshot still computing after the bounded wait is a 503 "still computing", never a 500.
  return coalesceStale(key, life.ttlMs, life.maxStaleMs, load, { waitMs }).catch((err) => {
    throw err instanceof StillComputingError ? toDbError(err) : err;
  });
}
