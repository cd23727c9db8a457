// The migration linter: lintSql(sql, options) → findings, per statement, with lock level,
// work, tables, why and a safe recipe. Pure (no database; facts the catalog knows come in
// through options.facts, as plain data, so the call can cross a worker boundary); the route
// adds the blast radius. Not `server-only`: the CLI (tsx) runs it too. It must never be
// imported by browser code, since libpg-query is a WASM module loaded from node_modules.
import type { Finding, LintFacts, LintResult, Severity, TableRef, TouchedTable } from "@/lib/schemas/lint";
import { displayName } from "./ast";
import { readDirectives } from "./directives";
import { applyIgnores, parseErrorFinding, psqlFindings } from "./file-findings";
import { locksOf, stronger } from "./locks";
import { ensureParser, parseSql } from "./parse";
import { stripPsql } from "./psql";
import { RULES } from "./rules";
import type { Report, RuleContext } from "./rules/rule";
import { defaultSeverity, FILE_RULES, RULE_DEFAULTS, SEVERITY_RANK, type RuleDefault } from "./severities";
import { excerptOf, type Source } from "./source";
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
  /** What earlier migrations left in the database: from the catalog, or asserted (--assume-validated-check). */
  facts?: LintFacts;
}

export const DEFAULT_SERVER_VERSION_NUM = 180000;

export async function lintSql(sql: string, options: LintOptions = {}): Promise<LintResult> {
  const version = options.serverVersionNum ?? DEFAULT_SERVER_VERSION_NUM;
  await ensureParser();
  const script = stripPsql(sql);
  const { source, statements, error } = await parseSql(script.text);
  const directives = readDirectives(source, statements, error?.offset);
  const txs = transactionsOf(statements, options.assumeInTransaction === true);
  const state = new FileState(options.facts, directives.assumedChecks);
  const findings: Finding[] = [];
  const touched = new Map<string, TouchedTable>();
  const asked = { tables: new Map<string, TableRef>(), types: new Set<string>() };

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
        ask: (q) => {
          if ("table" in q) asked.tables.set(displayName(q.table), q.table);
          else asked.types.add(q.type);
        },
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
  if (error) findings.push(parseErrorFinding(source, error, statements.length));
  findings.push(...psqlFindings(source, script, statements));

  const { kept, ignored } = applyIgnores(findings, directives, source);
  return {
    findings: withSeverities(kept, options).sort(byPosition),
    statementCount: statements.length,
    serverVersionNum: version,
    tables: [...touched.values()],
    ignored: withSeverities(ignored, options).sort(byPosition),
    catalogQuestions: { tables: [...asked.tables.values()], types: [...asked.types] },
  };
}

function byPosition(a: Finding, b: Finding): number {
  return a.statement - b.statement || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.line - b.line || a.column - b.column;
}

/** Configured severities win over a rule's own; "off" and findings below minSeverity are dropped. */
function withSeverities<F extends Finding>(findings: F[], options: LintOptions): F[] {
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

export { RULES } from "./rules";

export interface RuleInfo {
  id: string;
  title: string;
  severity: Severity;
  lower?: string;
  generic?: boolean;
}

/** Every rule with its documented default: statement rules, then the linter's own findings. */
export function ruleCatalog(): RuleInfo[] {
  return [...RULES, ...FILE_RULES].map((r) => {
    const d: RuleDefault = RULE_DEFAULTS[r.id];
    return { id: r.id, title: r.title, severity: d.severity, ...(d.lower ? { lower: d.lower } : {}), ...(d.generic ? { generic: true } : {}) };
  });
}
