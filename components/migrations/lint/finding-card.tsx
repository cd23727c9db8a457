import { Badge, type Tone } from "@/components/ui/badge";
import { qualifiedName } from "@/lib/names";
import type { Finding, LockLevel, Severity } from "@/lib/schemas/lint";
import { RecipeView } from "./recipe-view";

export const SEVERITY_TONE: Record<Severity, Tone> = { error: "red", warning: "yellow", info: "blue" };

/** Locks that block reads are the worst; those that block writes next; the rest are mild. */
function lockTone(lock: LockLevel): Tone {
  if (lock === "ACCESS EXCLUSIVE" || lock === "EXCLUSIVE") return "red";
  if (lock === "SHARE" || lock === "SHARE ROW EXCLUSIVE") return "yellow";
  return "neutral";
}

const WORK_LABEL = { none: "", scan: "full scan", rewrite: "table rewrite", build: "index build" } as const;

export function FindingCard({ finding, sameAsStatement }: { finding: Finding; sameAsStatement?: number }) {
  const f = finding;
  return (
    <li className="rounded border border-zinc-200 p-2 dark:border-zinc-800" data-testid="finding" data-rule={f.rule}>
      <div className="flex flex-wrap items-center gap-2">
        <Badge tone={SEVERITY_TONE[f.severity]}>{f.severity}</Badge>
        <span className="font-mono text-xs text-zinc-500" title="line:column">
          {f.line}:{f.column}
        </span>
        <span className="text-sm font-medium">{f.message}</span>
        <span className="font-mono text-xs text-zinc-500">{f.rule}</span>
      </div>
      <div className="mt-1 flex flex-wrap items-center gap-2 text-xs">
        {f.lock && (
          <Badge tone={lockTone(f.lock)} title="the table lock this takes">
            {f.lock}
          </Badge>
        )}
        {f.work !== "none" && <Badge tone={f.work === "rewrite" ? "red" : "yellow"}>{WORK_LABEL[f.work]}</Badge>}
        {f.tables.length > 0 && (
          <span className="text-zinc-600 dark:text-zinc-400">
            on <span className="font-mono">{f.tables.map((t) => qualifiedName(t.schema, t.name)).join(", ")}</span>
          </span>
        )}
      </div>
      <p className="mt-1 text-sm text-zinc-700 dark:text-zinc-300">{f.why}</p>
      {f.recipe && <RecipeView recipe={f.recipe} sameAsStatement={sameAsStatement} />}
    </li>
  );
}
