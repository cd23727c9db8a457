import "server-only";

// A repeated request (double click, a retried fetch) gets the first one's result instead of a
// second signal (PgHero #101: ten clicks, ten copies of a 1,000 s EXPLAIN ANALYZE).
const TTL_MS = 10 * 60_000;
const seen = new Map<string, { at: number; result: Promise<unknown> }>();

export function remember<T>(key: string, run: () => Promise<T>): Promise<T> {
  const now = Date.now();
  for (const [k, v] of seen) if (now - v.at > TTL_MS) seen.delete(k);
  const hit = seen.get(key);
  if (hit) return hit.result as Promise<T>;
  const result = run();
  seen.set(key, { at: now, result });
  return result;
}
