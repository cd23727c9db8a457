import type { AlterTableCmd, AlterTableStmt, ColumnDef, Constraint, Node } from "libpg-query";
import type { LockLevel, Recipe, Severity, TableRef, Work } from "@/lib/schemas/lint";
import { as, tableRef } from "../ast";
import type { LockUse } from "../locks";
import type { RuleId } from "../severities";
import type { Statement } from "../parse";
import type { Source } from "../source";
import type { FileState } from "../state";
import type { Transaction, TransactionProblem } from "../transactions";

export interface Report {
  /** Only where this finding is less (or more) certain than the rule's default (see severities.ts). */
  severity?: Severity;
  message: string;
  lock: LockLevel | null;
  work: Work;
  tables: TableRef[];
  why: string;
  recipe: Recipe | null;
  /** Byte location (libpg_query `location`) of the node the finding is about; default: the statement. */
  at?: number;
}

export interface RuleContext {
  stmt: Statement;
  source: Source;
  /** server_version_num the migration will run on, e.g. 140012. */
  version: number;
  tx: Transaction;
  /** Inside a transaction block (BEGIN … COMMIT, or the tool's wrapping transaction). */
  inBlock: boolean;
  /** What the file did before this statement. */
  state: FileState;
  /** The table locks this statement takes (see locks.ts). */
  locks: LockUse[];
  txProblems: TransactionProblem[];
  report(finding: Report): void;
  /** Catalog facts about this table or type could settle a finding (answered when linting for a server). */
  ask(question: { table: TableRef } | { type: string }): void;
}

export interface Rule {
  id: RuleId;
  /** One line for rule lists (CLI --rules, docs). */
  title: string;
  check(ctx: RuleContext): void;
}

export interface AlterCommand {
  alter: AlterTableStmt;
  cmd: AlterTableCmd;
  table: TableRef;
}

/** ALTER TABLE subcommands (optionally of one subtype) on tables that existed before this file. */
export function alterCommands(ctx: RuleContext, subtype?: string): AlterCommand[] {
  const alter = as(ctx.stmt.node, "AlterTableStmt");
  const table = tableRef(alter?.relation);
  if (!alter || !table || alter.objtype !== "OBJECT_TABLE" || ctx.state.isCreated(table)) return [];
  const out: AlterCommand[] = [];
  for (const c of alter.cmds ?? []) {
    const cmd = as(c, "AlterTableCmd");
    if (cmd && (!subtype || cmd.subtype === subtype)) out.push({ alter, cmd, table });
  }
  return out;
}

export interface AddedColumn extends AlterCommand {
  col: ColumnDef;
  constraints: Constraint[];
}

/** ADD COLUMN subcommands on existing tables, with their inline constraints. */
export function addedColumns(ctx: RuleContext): AddedColumn[] {
  return alterCommands(ctx, "AT_AddColumn").flatMap((c) => {
    const col = as(c.cmd.def, "ColumnDef");
    return col ? [{ ...c, col, constraints: constraintsOf(col.constraints) }] : [];
  });
}

export function constraintsOf(nodes: Node[] | undefined): Constraint[] {
  return (nodes ?? []).flatMap((n) => {
    const c = as(n, "Constraint");
    return c ? [c] : [];
  });
}

/** ALTER TABLE … ADD CONSTRAINT on existing tables. */
export function addedConstraints(ctx: RuleContext): (AlterCommand & { con: Constraint })[] {
  return alterCommands(ctx, "AT_AddConstraint").flatMap((c) => {
    const con = as(c.cmd.def, "Constraint");
    return con ? [{ ...c, con }] : [];
  });
}

/** Where the column's next inline constraint starts (UTF-16), bounding the text of `con`. */
export function nextConstraintStart(ctx: RuleContext, col: ColumnDef, con: Constraint): number {
  const at = con.location ?? 0;
  const later = constraintsOf(col.constraints)
    .map((k) => k.location ?? -1)
    .filter((loc) => loc > at)
    .map((loc) => ctx.source.fromByte(loc));
  return Math.min(Infinity, ...later);
}
