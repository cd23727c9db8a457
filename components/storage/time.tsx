"use client";
import { TimeAgo } from "@/components/ui/time";
import { parseTime } from "@/lib/format";

/** The later of a manual and an automatic run, saying which it was. */
export function LastRun({ manual, auto }: { manual: string | null; auto: string | null }) {
  const m = parseTime(manual) ?? -1;
  const a = parseTime(auto) ?? -1;
  if (m < 0 && a < 0) return <span className="text-zinc-400">never</span>;
  return (
    <span className="whitespace-nowrap">
      <TimeAgo at={m >= a ? manual : auto} /> <span className="text-zinc-400">{m >= a ? "manual" : "auto"}</span>
    </span>
  );
}

/** The latest of two run times, for sorting by "last vacuum / analyze". */
export const lastOf = (manual: string | null, auto: string | null) => Math.max(parseTime(manual) ?? -1, parseTime(auto) ?? -1);
