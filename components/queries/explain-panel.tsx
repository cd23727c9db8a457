"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Section } from "@/components/ui/section";
import { asApiError } from "@/lib/queries/freshness";
import { useExplain } from "@/lib/queries/statements";
import { PlanViewer } from "./plan-viewer";

/**
 * EXPLAIN for admins. Without values PostgreSQL 16+ plans the normalized text generically; with
 * values (needed before 16, and for ANALYZE) they are sent as parameters. ANALYZE runs the
 * statement: the server allows it only for one plain SELECT, read-only, under a timeout.
 */
export function ExplainPanel({ server, queryid, params, databases, db }: { server: string; queryid: string; params: number; databases: string[]; db?: string }) {
  const [database, setDatabase] = useState(db ?? databases[0] ?? "");
  const [values, setValues] = useState<string[]>(() => Array.from({ length: params }, () => ""));
  const [analyze, setAnalyze] = useState(false);
  const m = useExplain(server, queryid);
  const filled = values.length === params && values.every((v) => v !== "");
  const run = () => m.mutate({ db: database, analyze, params: filled && params > 0 ? values : undefined });
  const r = m.data;
  return (
    <Section title="EXPLAIN" testId="explain-panel">
      <div className="flex flex-col gap-2 text-sm">
        <div className="flex flex-wrap items-center gap-3">
          <label className="flex items-center gap-1">
            <span className="text-zinc-500">database</span>
            <select aria-label="EXPLAIN database" value={database} onChange={(e) => setDatabase(e.target.value)} className="rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700">
              {(databases.length ? databases : [database]).map((d) => <option key={d} value={d}>{d}</option>)}
            </select>
          </label>
          <label className="flex items-center gap-1" title="Runs the statement (one plain SELECT only), read-only, with a statement timeout, then rolls back">
            <input type="checkbox" checked={analyze} onChange={(e) => setAnalyze(e.target.checked)} /> ANALYZE (runs it)
          </label>
          <Button variant="primary" size="sm" onClick={run} disabled={m.isPending || !database} data-testid="explain-run">
            {m.isPending ? "explaining…" : analyze ? "EXPLAIN ANALYZE" : "EXPLAIN"}
          </Button>
        </div>
        {params > 0 && (
          <fieldset className="flex flex-wrap gap-2">
            <legend className="text-xs text-zinc-500">
              Values for the statement&apos;s parameters (leave empty for a generic plan on PostgreSQL 16+; required before 16 and for ANALYZE)
            </legend>
            {values.map((v, i) => (
              <label key={i} className="flex items-center gap-1 font-mono text-xs">
                ${i + 1}
                <input value={v} onChange={(e) => setValues((old) => old.map((x, j) => (j === i ? e.target.value : x)))} className="w-32 rounded border border-zinc-300 bg-transparent px-1 dark:border-zinc-700" aria-label={`value of $${i + 1}`} />
              </label>
            ))}
          </fieldset>
        )}
        {m.error && <p role="alert" className="text-red-700 dark:text-red-400">{asApiError(m.error)?.message ?? "EXPLAIN failed."}</p>}
        {r && r.outcome !== "ok" && (
          <p role="alert" className={r.outcome === "refused" ? "text-amber-800 dark:text-amber-300" : "text-red-700 dark:text-red-400"} data-testid="explain-refused">
            {r.message}
          </p>
        )}
        {r?.standby && r.outcome === "ok" && <p className="text-amber-800 dark:text-amber-300">{r.message}</p>}
        {r?.outcome === "ok" && (
          <>
            <p className="text-xs text-zinc-500">
              {r.mode === "generic" ? "Generic plan (GENERIC_PLAN: no parameter values)" : r.mode === "analyze" ? `Ran under EXPLAIN ANALYZE, read-only, statement_timeout ${r.statementTimeoutMs / 1000} s, rolled back` : "Plan for the values given"}
            </p>
            <PlanViewer plan={r.plan} text={r.text} queryid={queryid} />
          </>
        )}
      </div>
    </Section>
  );
}
