"use client";
import { Badge } from "@/components/ui/badge";
import { SqlText } from "@/components/ui/sql-text";
import type { HealthFinding } from "@/lib/schemas/health";

const TONE = { critical: "red", warning: "yellow", info: "blue" } as const;

/** One finding: what, how bad, the figures, why it matters, and the fix to copy (all text). */
export function FindingCard({ f }: { f: HealthFinding }) {
  return (
    <li className="flex flex-col gap-1 p-3 text-sm" data-testid="health-finding" data-check={f.check} data-severity={f.severity}>
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={TONE[f.severity]}>{f.severity}</Badge>
        <span className="font-medium">{f.title}</span>
        <span className="text-xs text-zinc-500">{f.check}</span>
      </div>
      <ul className="list-disc pl-5 text-xs text-zinc-700 dark:text-zinc-300">
        {f.evidence.map((e, i) => (
          <li key={i}>{e}</li>
        ))}
      </ul>
      {f.why && <p className="text-xs text-zinc-600 dark:text-zinc-400">Why it matters: {f.why}</p>}
      {f.fix && (
        <div className="rounded bg-zinc-50 p-2 dark:bg-zinc-900">
          <div className="text-xs text-zinc-500">Fix</div>
          <SqlText sql={f.fix} lines={3} />
        </div>
      )}
    </li>
  );
}
