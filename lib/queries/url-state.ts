"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useSyncExternalStore } from "react";
import type { z } from "zod";
import { clampOffset, patchQuery, readParams, type ParamProblem, type ParamSpec } from "./url-params";

// A page's filters, sort and page in its URL, read with the route's own schema one parameter at a
// time (lib/queries/url-params.ts). Problems are corrected in the address bar and kept as notices
// until dismissed, so the person sees what was changed and why.

type Notice = ParamProblem & { path: string };
let notices: Notice[] = [];
const listeners = new Set<() => void>();
const emit = () => listeners.forEach((l) => l());

function addNotices(path: string, problems: ParamProblem[]) {
  const fresh = problems.filter((p) => !notices.some((n) => n.path === path && n.key === p.key && n.value === p.value));
  if (!fresh.length) return;
  notices = [...notices, ...fresh.map((p) => ({ ...p, path }))];
  emit();
}

export function useUrlNotices(): { notices: ParamProblem[]; dismiss: () => void } {
  const pathname = usePathname();
  const all = useSyncExternalStore(
    (l) => (listeners.add(l), () => listeners.delete(l)),
    () => notices,
    () => notices,
  );
  const mine = useMemo(() => all.filter((n) => n.path === pathname), [all, pathname]);
  const dismiss = useCallback(() => {
    notices = notices.filter((n) => n.path !== pathname);
    emit();
  }, [pathname]);
  return { notices: mine, dismiss };
}

/** Reports a problem found after the data arrived (an offset past the end). */
export function useReportParam() {
  const pathname = usePathname();
  return useCallback((p: ParamProblem) => addNotices(pathname, [p]), [pathname]);
}

export function useUrlState<S extends z.ZodObject>(schema: S, opts: Omit<ParamSpec, "fields"> = {}) {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const search = params.toString();
  const { keep, renamed } = opts;
  const { values, problems, corrected } = useMemo(
    () => readParams({ fields: schema.shape, keep, renamed }, new URLSearchParams(search)),
    [schema, keep, renamed, search],
  );
  const parsed = schema.safeParse(values);
  const query = (parsed.success ? parsed.data : schema.parse({})) as z.infer<S>;
  useEffect(() => {
    if (corrected === null) return;
    addNotices(pathname, problems);
    router.replace(corrected ? `${pathname}?${corrected}` : pathname, { scroll: false });
  }, [corrected, problems, pathname, router]);
  const set = useCallback(
    (changes: Record<string, string | number | undefined>) => {
      // From the address bar, not the last render: two quick edits must not overwrite each other.
      const next = patchQuery(new URLSearchParams(window.location.search), changes);
      router.replace(next ? `${pathname}?${next}` : pathname, { scroll: false });
    },
    [pathname, router],
  );
  return { query, set };
}

/** Once the total is known, an offset past the end moves to the last page, with a notice. */
function useClampOffset(q: { offset: number; limit: number }, total: number | undefined, set: (changes: Record<string, string | number | undefined>) => void) {
  const report = useReportParam();
  const fix = clampOffset(q.offset, q.limit, total);
  const to = fix?.offset;
  const message = fix?.problem.message;
  const from = q.offset;
  useEffect(() => {
    if (to === undefined || message === undefined) return;
    report({ key: "offset", value: String(from), message });
    set({ offset: to || undefined });
  }, [to, message, from, report, set]);
}

type SetQuery = (changes: Record<string, string | number | undefined>) => void;

/**
 * A table sorted and paged on the server from the page's URL: the DataTable's sort and paging
 * props, with an offset past the end corrected once the total is known.
 */
export function useServerTable<K extends string>(q: { sort: K; dir: "asc" | "desc"; offset: number; limit: number }, set: SetQuery, total: number | undefined) {
  useClampOffset(q, total, set);
  return {
    sort: { key: q.sort as string, dir: q.dir, onSort: (sort: string, dir: "asc" | "desc") => set({ sort, dir, offset: undefined }) },
    paging: total === undefined ? undefined : { total, limit: q.limit, offset: q.offset, onPage: (offset: number) => set({ offset: offset || undefined }) },
  };
}
