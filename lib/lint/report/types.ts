// One lint run over files, as the CLI reports it (JSON output is exactly this shape).
import type { LintResult, Severity } from "@/lib/schemas/lint";
import type { RuleInfo } from "../index";

export interface FileReport {
  file: string;
  /** Absent when the file could not be read. */
  result?: LintResult;
  /** Why the file could not be read. */
  error?: string;
}

export interface Totals {
  files: number;
  unreadable: number;
  statements: number;
  error: number;
  warning: number;
  info: number;
  ignored: number;
}

export interface RunReport {
  tool: { name: "pgwarden-lint"; version: string };
  files: FileReport[];
  totals: Totals;
}

export interface ReportContext {
  rules: RuleInfo[];
}

export function totalsOf(files: FileReport[]): Totals {
  const t: Totals = { files: files.length, unreadable: 0, statements: 0, error: 0, warning: 0, info: 0, ignored: 0 };
  for (const f of files) {
    if (!f.result) {
      t.unreadable++;
      continue;
    }
    t.statements += f.result.statementCount;
    t.ignored += f.result.ignored.length;
    for (const x of f.result.findings) t[x.severity satisfies Severity]++;
  }
  return t;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
