import type { ReactNode } from "react";

export function Stat({ label, value, tone, title, testId }: { label: string; value: ReactNode; tone?: "warn" | "bad"; title?: string; testId?: string }) {
  const color = tone === "bad" ? "text-red-600 dark:text-red-400" : tone === "warn" ? "text-amber-600 dark:text-amber-400" : "";
  return (
    <div className="min-w-[7rem] rounded border border-zinc-200 px-3 py-2 dark:border-zinc-800" title={title} data-testid={testId}>
      <div className="text-xs text-zinc-500">{label}</div>
      <div className={`text-lg font-semibold tabular-nums ${color}`}>{value}</div>
    </div>
  );
}
