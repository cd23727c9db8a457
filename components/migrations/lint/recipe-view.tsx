import type { Recipe } from "@/lib/schemas/lint";
import { CopyButton } from "./copy-button";

/**
 * The safe recipe: numbered steps, SQL in monospace with a copy button per block and for all of it.
 * A recipe already shown for an earlier statement (SET lock_timeout …) starts folded.
 */
export function RecipeView({ recipe, sameAsStatement }: { recipe: Recipe; sameAsStatement?: number }) {
  if (sameAsStatement !== undefined) {
    return (
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-zinc-600 dark:text-zinc-400">
          Safe way: {recipe.summary} (steps as for statement {sameAsStatement})
        </summary>
        <RecipeView recipe={recipe} />
      </details>
    );
  }
  const allSql = recipe.steps.flatMap((s) => (s.sql ? [s.sql] : [])).join("\n\n");
  return (
    <div className="mt-2 rounded border border-green-200 bg-green-50/60 p-2 dark:border-green-900 dark:bg-green-950/30" data-testid="recipe">
      <div className="flex items-baseline justify-between gap-2">
        <div className="text-sm font-medium">Safe way: {recipe.summary}</div>
        {allSql && <CopyButton text={allSql} label="copy all SQL" />}
      </div>
      {recipe.steps.length > 0 && (
        <ol className="mt-1 list-decimal space-y-1 pl-5 text-sm">
          {recipe.steps.map((s, i) => (
            <li key={i}>
              <span>{s.text}</span>
              {s.sql && (
                <div className="mt-1 flex items-start gap-2">
                  <pre className="min-w-0 flex-1 overflow-x-auto rounded bg-white px-2 py-1 font-mono text-xs whitespace-pre dark:bg-zinc-900">{s.sql}</pre>
                  <CopyButton text={s.sql} />
                </div>
              )}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
