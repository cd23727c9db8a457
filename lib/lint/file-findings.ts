// Findings about the file rather than one statement's SQL: the syntax error that stopped the
// parser, psql meta-commands that were skipped, \gexec, and pgwarden-lint comments that cannot apply.
import type { Finding, IgnoredFinding } from "@/lib/schemas/lint";
import type { Directives, IgnoreDirective } from "./directives";
import type { ParseFailure, Statement } from "./parse";
import type { PsqlScript } from "./psql";
import { isRuleId } from "./severities";
import { excerptOf, type Source } from "./source";

const NOTE = { lock: null, work: "none" as const, tables: [] };

export function parseErrorFinding(source: Source, error: ParseFailure, checked: number): Finding {
  return {
    ...NOTE,
    rule: "parse-error",
    severity: "error",
    statement: error.statement,
    line: error.line,
    column: error.column,
    excerpt: excerptOf(source.lineText(error.line)),
    message: `Syntax error at line ${error.line}, column ${error.column}: ${error.message}`,
    why: `PostgreSQL's parser rejects this SQL, so the migration fails at this statement. ${checked > 0 ? `The ${checked} statement${checked === 1 ? "" : "s"} before it ${checked === 1 ? "was" : "were"} checked; the rest of the file was not checked.` : "The rest of the file was not checked."}`,
    recipe: null,
  };
}

export function psqlFindings(source: Source, script: PsqlScript, statements: Statement[]): Finding[] {
  if (script.commands.length === 0) return [];
  const first = source.position(script.commands[0]?.offset ?? 0);
  const listed = script.commands.slice(0, 12).map((c) => `${c.name} (line ${source.position(c.offset).line})`);
  const more = script.commands.length - listed.length;
  const out: Finding[] = [
    {
      ...NOTE,
      rule: "psql-meta-command",
      severity: "info",
      statement: 0,
      line: first.line,
      column: first.column,
      excerpt: excerptOf(source.lineText(first.line)),
      message: `psql meta-commands skipped: ${listed.join(", ")}${more > 0 ? ` and ${more} more` : ""}`,
      why: "Backslash commands are run by psql itself, not by PostgreSQL; the linter skips them and checks the SQL around them. A \\connect or \\i changes what the following statements run against, which the linter cannot follow.",
      recipe: null,
    },
  ];
  for (const at of script.gexec) {
    const stmt = statements.filter((s) => s.end <= at).at(-1);
    if (!stmt) continue;
    out.push({
      ...NOTE,
      rule: "dynamic-sql",
      severity: "info",
      statement: stmt.index,
      line: stmt.line,
      column: stmt.column,
      excerpt: excerptOf(stmt.text),
      message: "\\gexec not analyzed: dynamic SQL (psql runs every value this query returns as a statement)",
      why: "The statements are built by the query at run time, so their locks, rewrites and scans are not checked.",
      recipe: { summary: "Review the generated statements: run the query without \\gexec and lint its output.", steps: [] },
    });
  }
  return out;
}

/** The ignores that apply, and findings for those that cannot. */
export function applyIgnores(findings: Finding[], directives: Directives, source: Source): { kept: Finding[]; ignored: IgnoredFinding[] } {
  const kept: Finding[] = [];
  const ignored: IgnoredFinding[] = [];
  const used = new Set<IgnoreDirective>();
  const usable = directives.ignores.filter((d) => d.reason && d.statement !== undefined);
  for (const f of findings) {
    const d = usable.find((x) => x.statement === f.statement && x.rules.includes(f.rule));
    if (!d) {
      kept.push(f);
      continue;
    }
    used.add(d);
    ignored.push({ ...f, ignore: { reason: d.reason, line: d.line } });
  }
  const note = (d: { line: number; column: number }, message: string, lower?: "info"): Finding => ({
    ...NOTE,
    rule: "lint-comment",
    severity: lower ?? "warning",
    statement: "statement" in d && typeof d.statement === "number" ? d.statement : 0,
    line: d.line,
    column: d.column,
    excerpt: excerptOf(source.lineText(d.line)),
    message,
    why: "An exception is reviewed like code: it names the rule it silences, on the statement it is about, and says why the statement is safe here.",
    recipe: { summary: "Write it as: -- pgwarden-lint-ignore RULE[, RULE…]: why this is safe here", steps: [] },
  });
  for (const d of directives.ignores) {
    const unknown = d.rules.filter((r) => !isRuleId(r));
    if (d.rules.length === 0) kept.push(note(d, "pgwarden-lint-ignore names no rule"));
    else if (unknown.length > 0) kept.push(note(d, `pgwarden-lint-ignore names an unknown rule: ${unknown.join(", ")}`));
    else if (!d.reason) kept.push(note(d, `pgwarden-lint-ignore ${d.rules.join(", ")} has no reason, so it does not apply (write "…: why this is safe")`));
    else if (d.statement === undefined) kept.push(note(d, "pgwarden-lint-ignore is not followed by a statement"));
    else if (!used.has(d)) kept.push(note(d, `pgwarden-lint-ignore ${d.rules.join(", ")} ignores nothing on statement ${d.statement}`, "info"));
  }
  for (const m of directives.malformed) kept.push(note(m, m.message));
  return { kept, ignored };
}
