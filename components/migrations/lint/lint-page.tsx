"use client";
import { useState, type ChangeEvent } from "react";
import { Button } from "@/components/ui/button";
import { Stat } from "@/components/ui/stat";
import { versionLabel } from "@/lib/lint/version";
import { asApiError } from "@/lib/queries/freshness";
import { useLint } from "@/lib/queries/lint";
import { useUrlState } from "@/lib/queries/url-state";
import { MAX_LINT_SQL_CHARS } from "@/lib/schemas/lint";
import { DatabaseQuery } from "@/lib/schemas/servers";
import { BlastRadiusTable } from "./blast-radius-table";
import { CatalogFacts } from "./catalog-facts";
import { IgnoredList } from "./ignored-list";
import { ParseErrorView } from "./parse-error-view";
import { groupByStatement, StatementGroup } from "./statement-group";

export function LintPage({ server }: { server: string }) {
  const { db } = useUrlState(DatabaseQuery).query;
  const [sql, setSql] = useState("");
  const [fileName, setFileName] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [assumeInTransaction, setAssumeInTransaction] = useState(false);
  // The SQL that produced the shown result, so line/column keep pointing at it while editing.
  const [linted, setLinted] = useState("");
  const mutation = useLint(server);

  const run = () => {
    setLinted(sql);
    mutation.mutate({ sql, assumeInTransaction, ...(db ? { db } : {}) });
  };

  const readFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = ""; // choosing the same file again fires change again
    if (!file) return;
    setFileError(null);
    const text = await file.text();
    if (text.length > MAX_LINT_SQL_CHARS) {
      setFileError(`${file.name} is larger than the ~1 MB the linter accepts.`);
      return;
    }
    setSql(text);
    setFileName(file.name);
  };

  const result = mutation.data;
  const parseError = result?.findings.find((f) => f.rule === "parse-error");
  // Statements before a syntax error are still checked: their findings are shown with it.
  const findings = result?.findings.filter((f) => f.rule !== "parse-error") ?? [];
  const count = (s: string) => result?.findings.filter((f) => f.severity === s).length ?? 0;
  const error = asApiError(mutation.error);

  return (
    <div className="flex flex-col gap-3">
      <h1 className="text-lg font-semibold">
        Lint a migration
        <span className="ml-2 text-sm font-normal text-zinc-500">
          rules for {server}&apos;s PostgreSQL version{db ? `, blast radius in ${db}` : ""}
        </span>
      </h1>
      <div className="flex flex-col gap-2">
        <textarea
          aria-label="Migration SQL"
          value={sql}
          onChange={(e) => setSql(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && sql.trim()) run();
          }}
          spellCheck={false}
          rows={14}
          maxLength={MAX_LINT_SQL_CHARS}
          placeholder={"-- paste a migration, e.g.\nALTER TABLE orders ADD COLUMN note text;\nCREATE INDEX orders_note_idx ON orders (note);"}
          className="w-full rounded border border-zinc-300 bg-transparent p-2 font-mono text-xs dark:border-zinc-700"
        />
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <Button variant="primary" onClick={run} disabled={!sql.trim() || mutation.isPending}>
            {mutation.isPending ? "Linting…" : "Lint"}
          </Button>
          <label className="flex items-center gap-1">
            <span className="text-zinc-500">or load a file</span>
            <input type="file" accept=".sql,text/plain,application/sql" onChange={readFile} aria-label="SQL file" className="text-xs" />
          </label>
          {fileName && <span className="font-mono text-xs text-zinc-500">{fileName}</span>}
          <label className="flex items-center gap-1" title="Rails, Django, Flyway, sqlx and others run each file inside one transaction">
            <input type="checkbox" checked={assumeInTransaction} onChange={(e) => setAssumeInTransaction(e.target.checked)} />
            the migration tool wraps the file in a transaction
          </label>
          <span className="text-xs text-zinc-400">Ctrl+Enter lints</span>
        </div>
        {fileError && <p className="text-sm text-red-700 dark:text-red-300">{fileError}</p>}
      </div>

      {error && (
        <p role="alert" className="rounded bg-red-100 px-2 py-1 text-sm text-red-800 dark:bg-red-900/40 dark:text-red-200">
          {error.message}
          {error.issues?.map((i) => ` ${i.path}: ${i.message}`).join(";")}
        </p>
      )}

      {result && (
        <div className="flex flex-col gap-3" data-testid="lint-result">
          <div className="flex flex-wrap gap-2">
            <Stat label="statements" value={result.statementCount} />
            <Stat label="errors" value={count("error")} tone={count("error") ? "bad" : undefined} />
            <Stat label="warnings" value={count("warning")} tone={count("warning") ? "warn" : undefined} />
            <Stat label="info" value={count("info")} />
            {result.ignored.length > 0 && <Stat label="ignored" value={result.ignored.length} title="silenced by pgwarden-lint-ignore comments, each with its reason" />}
            <Stat label="PostgreSQL" value={versionLabel(result.serverVersionNum)} title={`server_version_num ${result.serverVersionNum}`} />
          </div>
          {result.catalogFacts && result.database && <CatalogFacts facts={result.catalogFacts} database={result.database} />}
          {parseError && <ParseErrorView error={parseError} sql={linted} />}
          {findings.length === 0 && !parseError ? (
            <p className="rounded border border-green-300 bg-green-50 px-2 py-1 text-sm dark:border-green-900 dark:bg-green-950/40">No findings: nothing in this migration is known to lock or rewrite a table dangerously.</p>
          ) : (
            groupByStatement(findings).map((g) => <StatementGroup key={g.statement} group={g} />)
          )}
          <IgnoredList ignored={result.ignored} />
          <section>
            <h2 className="mb-1 text-sm font-semibold">Blast radius</h2>
            {result.blastRadius && result.database ? (
              <BlastRadiusTable entries={result.blastRadius} database={result.database} />
            ) : (
              <p className="text-sm text-zinc-500">Pick a database above to see the size of each table this migration locks and the sessions using it right now.</p>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
