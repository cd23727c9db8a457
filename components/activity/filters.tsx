"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { ACTIVITY_STATES } from "@/lib/schemas/activity";

const INPUT = "rounded border border-zinc-300 bg-transparent px-1.5 py-0.5 text-sm dark:border-zinc-700";

/** Filters live in the URL: a reload or a shared link shows the same view. */
export function ActivityFilters() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const [text, setText] = useState(params.get("text") ?? "");
  const set = (patch: Record<string, string | undefined>) => {
    // From the address bar, not the last render: two quick edits must not overwrite each other.
    const next = new URLSearchParams(window.location.search);
    for (const [k, v] of Object.entries(patch)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  const field = (name: string, label: string, width = "w-28") => (
    <label className="flex items-center gap-1 text-xs">
      <span className="text-zinc-500">{label}</span>
      <input key={params.get(name) ?? ""} aria-label={label} className={`${INPUT} ${width}`} defaultValue={params.get(name) ?? ""} onBlur={(e) => set({ [name]: e.target.value.trim() || undefined })} onKeyDown={(e) => e.key === "Enter" && (e.target as HTMLInputElement).blur()} />
    </label>
  );
  return (
    <form className="flex flex-wrap items-center gap-2" onSubmit={(e) => (e.preventDefault(), set({ text: text || undefined }))} aria-label="Filters">
      <label className="flex items-center gap-1 text-xs">
        <span className="text-zinc-500">state</span>
        <select aria-label="state" className={INPUT} value={params.get("state") ?? ""} onChange={(e) => set({ state: e.target.value || undefined })}>
          <option value="">any</option>
          {ACTIVITY_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      {field("database", "database")}
      {field("user", "user")}
      {field("application", "application")}
      {field("minDuration", "min seconds", "w-16")}
      <label className="flex items-center gap-1 text-xs">
        <span className="text-zinc-500">text</span>
        <input aria-label="text" className={`${INPUT} w-44`} value={text} onChange={(e) => setText(e.target.value)} onBlur={() => set({ text: text || undefined })} />
      </label>
      <label className="flex items-center gap-1 text-xs">
        <input type="checkbox" checked={params.get("background") === "1"} onChange={(e) => set({ background: e.target.checked ? "1" : undefined })} />
        background processes
      </label>
      <Button size="sm" variant="ghost" onClick={() => (setText(""), router.replace(pathname + (params.get("db") ? `?db=${params.get("db")}` : "")))}>
        clear
      </Button>
    </form>
  );
}
