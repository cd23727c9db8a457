"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import type { z } from "zod";
import { fetchJson } from "@/lib/queries/fetch-json";

// Client side of the storage pages: the filter/sort/page state lives in the URL (shareable,
// survives reload) and is checked with the route's own zod schema before it is sent.

export function storageUrl(server: string, path: string, q: Record<string, unknown>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== null && v !== "") sp.set(k, String(v));
  const qs = sp.toString();
  return `/api/servers/${encodeURIComponent(server)}/${path}${qs ? `?${qs}` : ""}`;
}

export function fetchStorage<S extends z.ZodType>(server: string, path: string, q: Record<string, unknown>, schema: S) {
  return fetchJson(storageUrl(server, path, q), schema);
}

/** The page's query from the URL, parsed with `schema` (invalid values fall back to defaults). */
export function useUrlQuery<S extends z.ZodType>(schema: S, keys: readonly string[]) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const raw = Object.fromEntries(keys.map((k) => [k, params.get(k) ?? undefined]));
  const parsed = schema.safeParse(raw);
  const query = (parsed.success ? parsed.data : schema.parse({ db: params.get("db") ?? undefined })) as z.infer<S>;
  const set = (changes: Record<string, string | number | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === undefined || v === "") next.delete(k);
      else next.set(k, String(v));
    }
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  return { query, set };
}
