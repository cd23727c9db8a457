import type { Finding } from "@/lib/schemas/lint";

/** Where the parser stopped: the line as written and a caret under the column. */
export function ParseErrorView({ error, sql }: { error: Finding; sql: string }) {
  const lineText = sql.split("\n")[error.line - 1] ?? error.excerpt;
  return (
    <div role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm dark:border-red-900 dark:bg-red-950/40" data-testid="parse-error">
      <div className="font-medium text-red-800 dark:text-red-200">
        {error.message} (statement {error.statement})
      </div>
      <pre className="mt-1 overflow-x-auto font-mono text-xs">
        {lineText}
        {"\n"}
        {" ".repeat(Math.max(0, error.column - 1))}^
      </pre>
      <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">{error.why}</p>
    </div>
  );
}
