"use client";
import { Button } from "@/components/ui/button";
import { FilterInput, INPUT_CLASS } from "@/components/ui/filter-input";
import type { ActivityPageQuery } from "@/lib/activity/params";
import { ACTIVITY_STATES } from "@/lib/schemas/activity";

type Set = (changes: Record<string, string | number | undefined>) => void;

const FILTER_KEYS = ["state", "user", "application", "minDuration", "text", "background"] as const;

/**
 * Filters live in the URL: a reload or a shared link shows the same view. The database is the
 * header's picker (`db`), not a second field here.
 */
export function ActivityFilters({ query, set }: { query: ActivityPageQuery; set: Set }) {
  return (
    <form className="flex flex-wrap items-center gap-2" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
      <label className="flex items-center gap-1 text-xs">
        <span className="text-zinc-500">state</span>
        <select aria-label="state" className={INPUT_CLASS} value={query.state ?? ""} onChange={(e) => set({ state: e.target.value || undefined })}>
          <option value="">any</option>
          {ACTIVITY_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
          {/* several states from a link (state=active,idle): shown as they are, not as "any" */}
          {query.state && !(ACTIVITY_STATES as readonly string[]).includes(query.state) && <option value={query.state}>{query.state}</option>}
        </select>
      </label>
      <FilterInput label="user" value={query.user} onCommit={(v) => set({ user: v })} width="w-28" />
      <FilterInput label="application" value={query.application} onCommit={(v) => set({ application: v })} width="w-28" />
      <FilterInput label="min seconds" type="number" value={query.minDuration} onCommit={(v) => set({ minDuration: v })} width="w-16" />
      <FilterInput label="text" value={query.text} onCommit={(v) => set({ text: v })} width="w-44" />
      <label className="flex items-center gap-1 text-xs">
        <input type="checkbox" checked={query.background === "1"} onChange={(e) => set({ background: e.target.checked ? "1" : undefined })} />
        background processes
      </label>
      <Button size="sm" variant="ghost" onClick={() => set(Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined])))}>
        clear
      </Button>
    </form>
  );
}
