// The migration linter: lintSql(sql, options) → findings, per statement, with lock level,
// work, tables, why and a safe recipe. Pure (no database); the route adds the blast radius.
// Not `server-only`: the CLI (tsx) runs it too. It must never be imported by browser code,
// since libpg-query is a WASM module loaded from node_modules (serverExternalPackages).
import type { Finding, LintResult, Severity, TouchedTable } from "@/lib/schemas/lint";
import { displayName } from "./ast";
import { locksOf, stronger } from "./locks";
import { parseSql, type ParseFailure } from "./parse";
import { RULES } from "./rules";
import type { Report, RuleContext } from "./rules/rule";
import { excerptOf, type Source } from "./source";
import { defaultSeverity, SEVERITY_RANK } from "./severities";
import { FileState } from "./state";
import { transactionsOf } from "./transactions";

export interface LintOptions {
  /** server_version_num of the server the migration will run on (default: 18). */
  serverVersionNum?: number;
  /** The migration tool runs the file inside one transaction. */
  assumeInTransaction?: boolean;
  /** Rule id → severity, or "off" to disable it; wins over the defaults (severities.ts). */
  rules?: Record<string, Severity | "off">;
  /** Leave out findings below this severity. */
  minSeverity?: Severity;
}

export const DEFAULT_SERVER_VERSION_NUM = 180000;


export async function lintSql(sql: string, options: LintOptions = {}): Promise<LintResult> {
  const version = options.serverVersionNum ?? DEFAULT_SERVER_VERSION_NUM;
  const parsed = await parseSql(sql);
  if (!parsed.ok) {
    return { findings: [parseErrorFinding(parsed.source, parsed.error)], statementCount: 0, serverVersionNum: version, tables: [] };
  }
  const { source, statements } = parsed.file;
  const txs = transactionsOf(statements, options.assumeInTransaction === true);
  const state = new FileState();
  const findings: Finding[] = [];
  const touched = new Map<string, TouchedTable>();

  for (const stmt of statements) {
    const tx = txs.of[stmt.index - 1];
    if (!tx) continue;
    const excerpt = excerptOf(stmt.text);
    const locks = locksOf(stmt.node, version);
    for (const rule of RULES) {
      const ctx: RuleContext = {
        stmt,
        source,
        version,
        tx,
        inBlock: tx.block,
        state,
        locks,
        txProblems: txs.problems,
        report: (r: Report) => findings.push(toFinding(rule.id, r, stmt.index, excerpt, source, stmt)),
      };
      rule.check(ctx);
    }
    for (const use of locks) {
      if (state.isNew(use)) continue;
      const key = displayName(use.table);
      const prev = touched.get(key);
      touched.set(key, { ...use.table, lock: prev ? stronger(prev.lock, use.lock) : use.lock });
    }
    state.apply(stmt, tx, locks);
  }

  const kept = withSeverities(findings, options);
  kept.sort((a, b) => a.statement - b.statement || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.line - b.line || a.column - b.column);
  return { findings: kept, statementCount: statements.length, serverVersionNum: version, tables: [...touched.values()] };
}

/** Configured severities win over a rule's own; "off" and findings below minSeverity are dropped. */
function withSeverities(findings: Finding[], options: LintOptions): Finding[] {
  const min = SEVERITY_RANK[options.minSeverity ?? "info"];
  return findings.flatMap((f) => {
    const configured = options.rules?.[f.rule];
    if (configured === "off") return [];
    const severity = configured ?? f.severity;
    return SEVERITY_RANK[severity] <= min ? [{ ...f, severity }] : [];
  });
}

function toFinding(rule: string, r: Report, statement: number, excerpt: string, source: Source, stmt: { line: number; column: number }): Finding {
  const { at, ...rest } = r;
  const pos = at !== undefined && at >= 0 ? source.position(source.fromByte(at)) : { line: stmt.line, column: stmt.column };
  return { rule, statement, line: pos.line, column: pos.column, excerpt, ...rest, severity: rest.severity ?? defaultSeverity(rule) };
}

function parseErrorFinding(source: Source, error: ParseFailure): Finding {
  return {
    rule: "parse-error",
    severity: "error",
    statement: error.statement,
    line: error.line,
    column: error.column,
    excerpt: excerptOf(source.lineText(error.line)),
    message: `Syntax error at line ${error.line}, column ${error.column}: ${error.message}`,
    lock: null,
    work: "none",
    tables: [],
    why: "PostgreSQL's parser rejects this SQL, so the migration would fail at this statement (and the linter cannot check the rest of the file).",
    recipe: null,
  };
}

export { RULES } from "./rules";
