import { Badge } from "@/components/ui/badge";
import type { Finding, Limit } from "@/lib/schemas/findings";

const TONE = { critical: "red", warning: "yellow", info: "blue" } as const;

/** Findings and limits of an operations page (replication, archiving, PgBouncer), as text. */
export function FindingsList({ findings, limits }: { findings: Finding[]; limits: Limit[] }) {
  if (!findings.length && !limits.length) return null;
  return (
    <ul className="flex flex-col gap-1 text-xs" data-testid="ops-findings">
      {findings.map((f) => (
        <li key={f.id} className="rounded border border-zinc-200 p-2 dark:border-zinc-800" data-check={f.check}>
          <Badge tone={TONE[f.severity]}>{f.severity}</Badge> <b>{f.title}</b>
          {f.evidence.length > 0 && <span className="text-zinc-600 dark:text-zinc-400"> — {f.evidence.join("; ")}</span>}
          {f.fix && <pre className="mt-1 font-mono whitespace-pre-wrap break-all">{f.fix}</pre>}
        </li>
      ))}
      {limits.map((l, i) => (
        <li key={`limit-${i}`} className="text-zinc-600 dark:text-zinc-400">
          Not visible: {l.what}. {l.grant && <code className="rounded bg-zinc-100 px-1 dark:bg-zinc-800">{l.grant}</code>}
        </li>
      ))}
    </ul>
  );
}
