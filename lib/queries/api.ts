// URL builders for the console's own API: every path segment (server id, pid, job id) is
// encoded, and empty query values are left out rather than sent as "no filter" strings.

type Query = Record<string, string | number | boolean | null | undefined>;

export function apiUrl(segments: readonly (string | number)[], query: Query = {}): string {
  const path = `/api/${segments.map((s) => encodeURIComponent(String(s))).join("/")}`;
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== "") sp.set(k, String(v));
  const qs = sp.toString();
  return qs ? `${path}?${qs}` : path;
}

/** A route of one configured server: /api/servers/<server>/<...segments>. */
export function serverUrl(server: string, segments: readonly (string | number)[], query?: Query): string {
  return apiUrl(["servers", server, ...segments], query);
}
