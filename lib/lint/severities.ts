// The default severity of every rule, in one table, by harm to a running production database:
//   error   — the statement fails, breaks application code that is still running, loses data, or
//             blocks reads or writes of an existing table for longer than an instant (a scan,
//             rewrite or index build under a blocking lock);
//   warning — the harm depends on something the linter cannot see (table size, the column's old
//             type, the session's TimeZone), or it is a brief lock that can still queue traffic;
//   info    — notes and hygiene.
// A rule may lower one of its findings where noted (`lower`); a configured severity (the
// `pgwarden-lint.json` "rules" map, --disable) always wins. The README's rule table mirrors this.
// Browser-safe: no parser import.
import type { Severity } from "@/lib/schemas/lint";

export interface RuleDefault {
  severity: Severity;
  /** When the rule reports a lower severity than its default (documentation). */
  lower?: string;
  /** Fires on most statements of a typical file: the compact CLI output summarizes it once per file. */
  generic?: true;
}

export const RULE_DEFAULTS = {
  "index-not-concurrent": { severity: "error" },
  "concurrent-in-tx": { severity: "error" },
  "drop-index-not-concurrent": { severity: "error" },
  "reindex-not-concurrent": { severity: "error" },
  "concurrent-index-pg14-bug": { severity: "error" },
  "index-too-many-columns": { severity: "info" },
  "add-column-volatile-default": { severity: "error", lower: "warning when the default calls a function whose volatility the linter does not know" },
  "add-column-rewriting-kind": { severity: "error" },
  "add-column-required": { severity: "error" },
  "virtual-generated-column": { severity: "error" },
  "drop-column": { severity: "error" },
  "drop-not-null": { severity: "error" },
  "change-column-type": { severity: "error", lower: "warning when the cost depends on what the linter cannot see: the old type, the column's indexes or CHECKs, the session's TimeZone" },
  "set-not-null": { severity: "error" },
  "fk-without-not-valid": { severity: "error" },
  "check-without-not-valid": { severity: "error" },
  "validate-same-tx": { severity: "error" },
  "unique-constraint": { severity: "error" },
  "primary-key": { severity: "error" },
  "exclusion-constraint": { severity: "error" },
  rename: { severity: "error" },
  "drop-table": { severity: "error" },
  "drop-schema": { severity: "error" },
  "drop-database": { severity: "error" },
  "truncate-cascade": { severity: "error" },
  "detach-not-concurrent": { severity: "error", lower: "warning before PostgreSQL 14, which has no concurrent form" },
  "attach-without-check": { severity: "error" },
  "table-rewrite": { severity: "error", lower: "warning for SET EXPRESSION on PostgreSQL 18 when the column may be VIRTUAL" },
  "refresh-matview": { severity: "error" },
  "enum-add-value": { severity: "warning", lower: "error inside a transaction before PostgreSQL 12 (it fails); info inside a transaction from 12" },
  "enum-value-used-in-tx": { severity: "error" },
  "backfill-in-ddl-tx": { severity: "error" },
  "missing-lock-timeout": { severity: "warning", generic: true },
  "transaction-nesting": { severity: "warning" },
  "dynamic-sql": { severity: "info" },
  "prefer-jsonb": { severity: "warning" },
  "prefer-timestamptz": { severity: "warning" },
  "prefer-text": { severity: "warning", lower: "info for varchar(n)" },
  "prefer-bigint-id": { severity: "warning" },
  "identifier-too-long": { severity: "warning" },
  "unqualified-name": { severity: "info", generic: true },
  "prefer-robust-stmts": { severity: "info", lower: "warning for CREATE INDEX CONCURRENTLY, whose failure leaves an INVALID index behind", generic: true },
  "domain-check": { severity: "warning" },
  "domain-add-check": { severity: "error" },
  "parse-error": { severity: "error" },
  "psql-meta-command": { severity: "info" },
  "lint-comment": { severity: "warning", lower: "info for an ignore that matches no finding" },
} as const satisfies Record<string, RuleDefault>;

export type RuleId = keyof typeof RULE_DEFAULTS;

/** Findings made by the linter itself rather than by a statement rule. */
export const FILE_RULES: readonly { id: RuleId; title: string }[] = [
  { id: "parse-error", title: "SQL that PostgreSQL's parser rejects (statements before it are still checked)" },
  { id: "psql-meta-command", title: "psql meta-commands (\\set, \\connect …) are skipped, not checked" },
  { id: "lint-comment", title: "A pgwarden-lint comment that cannot apply: an ignore without a reason, an unknown rule, an ignore that matches nothing, a malformed assume" },
];

export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULE_DEFAULTS, id);
}

export function defaultSeverity(rule: string): Severity {
  return isRuleId(rule) ? RULE_DEFAULTS[rule].severity : "error";
}

export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
