// Which databases a background health run checks besides the server's default one. A cluster with
// hundreds of databases (one per tenant) must not get hundreds of catalog-heavy runs every interval:
// each run takes the `limit` (PGWARDEN_HEALTH_OTHER_DATABASES) checked longest ago (never checked
// first, then by name), so every database comes round and one a page view just checked waits.

export function databasesToCheck(
  listed: string[],
  defaultDatabase: string,
  /** epoch ms each database was last checked (a background run or a page view) */
  checkedAt: Map<string, number>,
  limit: number,
): string[] {
  return listed
    .filter((name) => name !== defaultDatabase)
    .sort((a, b) => (checkedAt.get(a) ?? 0) - (checkedAt.get(b) ?? 0) || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, limit);
}
