"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";

/** A window: one of the fixed ones (last 15 min … 7 d), or custom bounds (kept in the URL as epoch ms). */
export function WindowPicker({
  value,
  windows,
  onChange,
}: {
  value: { window: string; from?: number; to?: number };
  windows: readonly string[];
  onChange: (changes: Record<string, string | number | undefined>) => void;
}) {
  const custom = value.from !== undefined && value.to !== undefined;
  const [open, setOpen] = useState(false);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const toMs = (s: string) => (s ? Date.parse(`${s}Z`) : NaN); // the inputs are in UTC, like the console's timestamps
  const apply = () => {
    const f = toMs(from);
    const t = toMs(to);
    if (Number.isFinite(f) && Number.isFinite(t) && f < t) {
      onChange({ from: f, to: t });
      setOpen(false);
    }
  };
  return (
    <div className="flex flex-wrap items-center gap-1" role="group" aria-label="Window">
      <span className="text-zinc-500">last</span>
      {windows.map((w) => (
        <Button key={w} size="sm" variant={!custom && value.window === w ? "primary" : "default"} onClick={() => onChange({ window: w, from: undefined, to: undefined })}>
          {w}
        </Button>
      ))}
      <Button size="sm" variant={custom ? "primary" : "default"} onClick={() => setOpen((o) => !o)}>
        custom
      </Button>
      {open && (
        <span className="flex items-center gap-1 text-xs">
          <input type="datetime-local" aria-label="From (UTC)" value={from} onChange={(e) => setFrom(e.target.value)} className="rounded border border-zinc-300 bg-transparent px-1 dark:border-zinc-700" />
          <span>to</span>
          <input type="datetime-local" aria-label="To (UTC)" value={to} onChange={(e) => setTo(e.target.value)} className="rounded border border-zinc-300 bg-transparent px-1 dark:border-zinc-700" />
          <span className="text-zinc-500">UTC</span>
          <Button size="sm" onClick={apply}>apply</Button>
        </span>
      )}
    </div>
  );
}
