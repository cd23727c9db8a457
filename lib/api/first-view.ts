import "server-only";
import type { z } from "zod";
import { readParams } from "@/lib/queries/url-params";

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The page's query from its URL, read exactly as the client's useUrlState reads it (one parameter
 * at a time, invalid ones dropped): the server-rendered data then sits under the same query key
 * the client polls, so the first rows come with the HTML instead of after hydration and a fetch.
 */
export function pageQuery<S extends z.ZodObject>(schema: S, searchParams: SearchParams): z.infer<S> {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(searchParams)) for (const one of typeof v === "string" ? [v] : (v ?? [])) sp.append(k, one);
  const { values } = readParams({ fields: schema.shape }, sp);
  const parsed = schema.safeParse(values);
  return (parsed.success ? parsed.data : schema.parse({})) as z.infer<S>;
}

/**
 * The first view, read on the server with the same shared (coalesced) read as the API. A failure
 * or a slow server is left to the client's first poll, which shows it with the usual banner; the
 * page never waits longer than `waitMs` for it.
 */
export function firstView<T>(load: () => Promise<T>, waitMs = 1_000): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    load().catch(() => undefined),
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), waitMs);
    }),
  ]).finally(() => clearTimeout(timer));
}
