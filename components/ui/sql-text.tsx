"use client";
import { useState } from "react";

/** SQL from the database, always as text: truncated to one line, expandable and copyable. */
export function SqlText({ sql, truncated = false, lines = 1 }: { sql: string | null; truncated?: boolean; lines?: number }) {
  const [open, setOpen] = useState(false);
  const [copied, setCopied] = useState(false);
  if (sql === null) return <span className="text-zinc-400 italic">hidden</span>;
  const copy = async () => {
    await navigator.clipboard?.writeText(sql).catch(() => {});
    setCopied(true);
    setTimeout(() => setCopied(false), 1200);
  };
  return (
    <div className="min-w-0">
      <pre
        className={`font-mono text-xs whitespace-pre-wrap break-all ${open ? "" : lines === 1 ? "truncate whitespace-nowrap" : "line-clamp-3"}`}
        title={open ? undefined : sql.slice(0, 500)}
      >
        {sql}
      </pre>
      <div className="flex gap-2 text-xs text-blue-700 dark:text-blue-300">
        <button type="button" onClick={() => setOpen((o) => !o)} className="hover:underline">
          {open ? "collapse" : "expand"}
        </button>
        <button type="button" onClick={copy} className="hover:underline">
          {copied ? "copied" : "copy"}
        </button>
        {truncated && <span className="text-zinc-500">(truncated by the console at 4 kB)</span>}
      </div>
    </div>
  );
}
