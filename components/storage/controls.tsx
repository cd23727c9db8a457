"use client";
import { useEffect, useState, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { formatNumber } from "@/lib/format";

/** A sortable column header: clicking asks the SERVER for another order (state in the URL). */
export function SortHeader<K extends string>({
  label,
  k,
  sort,
  dir,
  onSort,
  align = "left",
  title,
}: {
  label: string;
  k: K;
  sort: K;
  dir: "asc" | "desc";
  onSort: (k: K, dir: "asc" | "desc") => void;
  align?: "left" | "right";
  title?: string;
}) {
  const active = sort === k;
  const nextDir = active ? (dir === "desc" ? "asc" : "desc") : k === "name" || k === "table" ? "asc" : "desc";
  return (
    <th className={`px-2 py-1 font-medium ${align === "right" ? "text-right" : "text-left"}`} aria-sort={active ? (dir === "asc" ? "ascending" : "descending") : "none"} title={title}>
      <button type="button" onClick={() => onSort(k, nextDir)} className="hover:underline">
        {label}
        {active ? (dir === "asc" ? " ▲" : " ▼") : ""}
      </button>
    </th>
  );
}

export function Pager({ total, limit, offset, onPage }: { total: number; limit: number; offset: number; onPage: (offset: number) => void }) {
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(total, offset + limit);
  return (
    <div className="flex items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
      <span>
        {formatNumber(from)}–{formatNumber(to)} of {formatNumber(total)}
      </span>
      <Button size="sm" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit))}>
        ← Prev
      </Button>
      <Button size="sm" disabled={offset + limit >= total} onClick={() => onPage(offset + limit)}>
        Next →
      </Button>
    </div>
  );
}

/** A text/number filter that commits after typing stops, so every keystroke is not a request. */
export function FilterInput({
  label,
  value,
  onCommit,
  type = "text",
  placeholder,
  width = "w-40",
}: {
  label: string;
  value: string | number | undefined;
  onCommit: (v: string) => void;
  type?: "text" | "number";
  placeholder?: string;
  width?: string;
}) {
  const [text, setText] = useState(value === undefined ? "" : String(value));
  useEffect(() => {
    const current = value === undefined ? "" : String(value);
    if (text === current) return;
    const t = setTimeout(() => onCommit(text), 400);
    return () => clearTimeout(t);
  }, [text, value, onCommit]);
  return (
    <label className="flex items-center gap-1 text-xs">
      <span className="text-zinc-500">{label}</span>
      <input
        type={type}
        value={text}
        placeholder={placeholder}
        onChange={(e) => setText(e.target.value)}
        className={`${width} rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700`}
      />
    </label>
  );
}

export function Section({ title, children, right }: { title: ReactNode; children: ReactNode; right?: ReactNode }) {
  return (
    <section className="flex flex-col gap-2 rounded border border-zinc-200 p-3 dark:border-zinc-800">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold">{title}</h2>
        {right}
      </div>
      {children}
    </section>
  );
}

export const tableClass = "w-full border-collapse text-xs [&_td]:px-2 [&_td]:py-1 [&_tbody_tr]:border-t [&_tbody_tr]:border-zinc-100 dark:[&_tbody_tr]:border-zinc-800";
