"use client";
import { formatAgo } from "@/lib/format";

/** Relative time with the absolute time on hover; "never" when PostgreSQL has no record. */
export function TimeAgo({ iso, now }: { iso: string | null; now: number }) {
  if (!iso) return <span className="text-zinc-400">never</span>;
  const at = Date.parse(iso);
  return <time dateTime={iso} title={new Date(at).toLocaleString()}>{formatAgo(at, now)}</time>;
}

/** The later of a manual and an automatic run, saying which it was. */
export function LastRun({ manual, auto, now }: { manual: string | null; auto: string | null; now: number }) {
  const m = manual ? Date.parse(manual) : -1;
  const a = auto ? Date.parse(auto) : -1;
  if (m < 0 && a < 0) return <span className="text-zinc-400">never</span>;
  return (
    <span>
      <TimeAgo iso={m >= a ? manual : auto} now={now} /> <span className="text-zinc-400">{m >= a ? "manual" : "auto"}</span>
    </span>
  );
}
