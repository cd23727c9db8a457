// What the file has done so far, as each statement is linted: tables and indexes it created
// (exempt from most rules: nobody else uses them yet), lock_timeout in effect, CHECK constraints
// that can stand in for a NOT NULL scan, and ACCESS EXCLUSIVE locks held in each transaction.
import type { Node } from "libpg-query";
import type { TableRef } from "@/lib/schemas/lint";
import { as, constValue, refFromNames, strings, tableRef } from "./ast";
import type { LockUse } from "./locks";
import type { Statement } from "./parse";
import type { Transaction } from "./transactions";

interface CheckConstraint {
  /** Set when the constraint proves `column IS NOT NULL` (CHECK (c IS NOT NULL) or NOT NULL c). */
  notNullColumn?: string;
  valid: boolean;
  tx: number;
}

function isOff(value: string | number | undefined): boolean {
  if (value === undefined) return true;
  return typeof value === "number" ? value === 0 : Number.parseFloat(value) === 0;
}

/** PostgreSQL's default name for a one-column CHECK: <table>_<column>_check. */
export function defaultCheckName(table: string, column: string | undefined): string {
  return column ? `${table}_${column}_check` : `${table}_check`;
}

/** The column a CHECK expression `col IS NOT NULL` tests, if that is all it tests. */
export function notNullCheckColumn(expr: Node | undefined): string | undefined {
  const test = as(expr, "NullTest");
  if (test?.nulltesttype !== "IS_NOT_NULL") return undefined;
  const fields = strings(as(test.arg, "ColumnRef")?.fields);
  return fields.length === 1 ? fields[0] : undefined;
}

export class FileState {
  readonly #created = new Map<string, Set<string>>();
  readonly #createdIndexes = new Set<string>();
  readonly #domainsWithChecks = new Set<string>();
  readonly #checks = new Map<string, CheckConstraint>();
  readonly #exclusiveByTx = new Map<number, Statement[]>();
  readonly #once = new Set<string>();
  readonly #enumValuesByTx = new Map<number, { type: string; value: string; statement: number }[]>();
  #sessionLockTimeout = false;
  #localLockTimeoutTx: number | undefined;

  /** Created earlier in this file (an unqualified name matches any schema, and vice versa). */
  isCreated(ref: TableRef | undefined): boolean {
    if (!ref) return false;
    const schemas = this.#created.get(ref.name);
    if (!schemas) return false;
    return !ref.schema || schemas.has("") || schemas.has(ref.schema);
  }

  isCreatedIndex(ref: TableRef | undefined): boolean {
    return !!ref && this.#createdIndexes.has(ref.name);
  }

  /** The locked relation (table or index) was created earlier in this file. */
  isNew(use: LockUse): boolean {
    return use.index ? this.isCreatedIndex(use.table) : this.isCreated(use.table);
  }

  isDomainWithChecks(name: string): boolean {
    return this.#domainsWithChecks.has(name);
  }

  lockTimeoutActive(tx: Transaction): boolean {
    return this.#sessionLockTimeout || this.#localLockTimeoutTx === tx.id;
  }

  /** A valid constraint proves table.column IS NOT NULL, so SET NOT NULL skips its scan (PG 12+). */
  hasValidNotNull(table: TableRef, column: string): boolean {
    for (const [key, c] of this.#checks) {
      if (key.startsWith(`${table.name}\u0000`) && c.valid && c.notNullColumn === column) return true;
    }
    return false;
  }

  hasValidCheck(table: TableRef): boolean {
    for (const [key, c] of this.#checks) if (key.startsWith(`${table.name}\u0000`) && c.valid) return true;
    return false;
  }

  /** The transaction in which constraint `name` of `table` was added NOT VALID, if it was. */
  notValidAddedIn(table: TableRef, name: string): number | undefined {
    const c = this.#checks.get(`${table.name}\u0000${name}`);
    return c && !c.valid ? c.tx : undefined;
  }

  /** Earlier statements of `tx` that took ACCESS EXCLUSIVE on a table that existed before the file. */
  exclusiveLocksIn(tx: Transaction): Statement[] {
    return this.#exclusiveByTx.get(tx.id) ?? [];
  }

  /** Enum values added by ALTER TYPE … ADD VALUE earlier in transaction block `tx`. */
  enumValuesAddedIn(tx: Transaction): { type: string; value: string; statement: number }[] {
    return this.#enumValuesByTx.get(tx.id) ?? [];
  }

  /** True the first time it is asked for `key` (file-level findings are reported once). */
  once(key: string): boolean {
    if (this.#once.has(key)) return false;
    this.#once.add(key);
    return true;
  }

  /** Records what `stmt` did; called after the rules have looked at it. */
  apply(stmt: Statement, tx: Transaction, locks: LockUse[]) {
    const node = stmt.node;
    const exclusive = locks.some((u) => u.lock === "ACCESS EXCLUSIVE" && !this.isNew(u));
    if (exclusive && tx.block) this.#exclusiveByTx.set(tx.id, [...this.exclusiveLocksIn(tx), stmt]);

    const create = as(node, "CreateStmt");
    this.#addCreated(tableRef(create?.relation));
    this.#addCreated(tableRef(as(node, "CreateTableAsStmt")?.into?.rel));
    const index = as(node, "IndexStmt");
    if (index?.idxname) this.#createdIndexes.add(index.idxname);

    const rename = as(node, "RenameStmt");
    if (rename?.renameType === "OBJECT_TABLE" && rename.newname && this.isCreated(tableRef(rename.relation))) {
      this.#addCreated({ name: rename.newname });
    }

    const domain = as(node, "CreateDomainStmt");
    if (domain && (domain.constraints ?? []).some((c) => as(c, "Constraint")?.contype === "CONSTR_CHECK")) {
      this.#domainsWithChecks.add(refFromNames(strings(domain.domainname))?.name ?? "");
    }
    const alterDomain = as(node, "AlterDomainStmt");
    if (alterDomain?.subtype === "C" && as(alterDomain.def, "Constraint")?.contype === "CONSTR_CHECK") {
      this.#domainsWithChecks.add(refFromNames(strings(alterDomain.typeName))?.name ?? "");
    }

    const addValue = as(node, "AlterEnumStmt");
    if (addValue?.newVal && !addValue.oldVal && tx.block) {
      const list = this.#enumValuesByTx.get(tx.id) ?? [];
      list.push({ type: strings(addValue.typeName).join("."), value: addValue.newVal, statement: stmt.index });
      this.#enumValuesByTx.set(tx.id, list);
    }

    const alter = as(node, "AlterTableStmt");
    const table = tableRef(alter?.relation);
    if (alter && table) this.#applyAlter(alter.cmds ?? [], table, tx);

    this.#applyTimeouts(node, tx);
  }

  #addCreated(ref: TableRef | undefined) {
    if (!ref) return;
    const schemas = this.#created.get(ref.name) ?? new Set<string>();
    schemas.add(ref.schema ?? "");
    this.#created.set(ref.name, schemas);
  }

  #applyAlter(cmds: Node[], table: TableRef, tx: Transaction) {
    for (const c of cmds) {
      const cmd = as(c, "AlterTableCmd");
      if (cmd?.subtype === "AT_AddConstraint") {
        const con = as(cmd.def, "Constraint");
        if (con?.contype !== "CONSTR_CHECK" && con?.contype !== "CONSTR_NOTNULL" && con?.contype !== "CONSTR_FOREIGN") continue;
        const column = con.contype === "CONSTR_CHECK" ? notNullCheckColumn(con.raw_expr) : con.contype === "CONSTR_NOTNULL" ? strings(con.keys)[0] : undefined;
        const name = con.conname ?? (con.contype === "CONSTR_FOREIGN" ? `${table.name}_${strings(con.fk_attrs).join("_")}_fkey` : defaultCheckName(table.name, column));
        this.#checks.set(`${table.name}\u0000${name}`, {
          ...(column && con.contype !== "CONSTR_FOREIGN" ? { notNullColumn: column } : {}),
          valid: !con.skip_validation,
          tx: tx.id,
        });
      } else if (cmd?.subtype === "AT_ValidateConstraint" && cmd.name) {
        const c = this.#checks.get(`${table.name}\u0000${cmd.name}`);
        if (c) c.valid = true;
      }
    }
  }

  #applyTimeouts(node: Node, tx: Transaction) {
    const set = as(node, "VariableSetStmt");
    if (set) {
      if (set.kind === "VAR_RESET_ALL") this.#sessionLockTimeout = false;
      if (set.name !== "lock_timeout") return;
      const on = set.kind === "VAR_SET_VALUE" && !isOff(constValue(set.args?.[0]));
      this.#setLockTimeout(on, set.is_local === true, tx);
      return;
    }
    // SELECT set_config('lock_timeout', '2s', is_local)
    for (const target of as(node, "SelectStmt")?.targetList ?? []) {
      const call = as(as(target, "ResTarget")?.val, "FuncCall");
      if (strings(call?.funcname).pop() !== "set_config" || constValue(call?.args?.[0]) !== "lock_timeout") continue;
      const local = as(call?.args?.[2], "A_Const")?.boolval?.boolval === true;
      this.#setLockTimeout(!isOff(constValue(call?.args?.[1])), local, tx);
    }
  }

  #setLockTimeout(on: boolean, local: boolean, tx: Transaction) {
    if (local) this.#localLockTimeoutTx = on ? tx.id : undefined;
    else this.#sessionLockTimeout = on;
  }
}
