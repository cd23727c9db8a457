// What the file has done so far, as each statement is linted: tables and indexes it created
// (exempt from most rules: nobody else uses them yet), lock_timeout and TimeZone in effect,
// ACCESS EXCLUSIVE locks held in each transaction, and — through Knowledge — the constraints,
// columns and types of existing tables, seeded with the facts given to the linter.
import type { AlterTableCmd, Node } from "libpg-query";
import type { LintFacts, TableRef } from "@/lib/schemas/lint";
import { as, constValue, findAll, strings, tableRef } from "./ast";
import type { AssumedCheck } from "./directives";
import { Knowledge } from "./knowledge";
import type { LockUse } from "./locks";
import type { Statement } from "./parse";
import type { Transaction } from "./transactions";
import { typeSpecOf } from "./type-change";

/** Zones whose UTC offset is always zero: with them timestamp ↔ timestamptz needs no rewrite (PG 12+). */
const UTC_ZONES = new Set(["utc", "etc/utc", "gmt", "etc/gmt", "universal", "etc/universal", "zulu", "etc/zulu", "uct", "etc/uct", "z", "0"]);

function isOff(value: string | number | undefined): boolean {
  if (value === undefined) return true;
  return typeof value === "number" ? value === 0 : Number.parseFloat(value) === 0;
}

/** PostgreSQL's default name for a one-column CHECK: <table>_<column>_check. */
export function defaultCheckName(table: string, column: string | undefined): string {
  return column ? `${table}_${column}_check` : `${table}_check`;
}

/** Columns an expression refers to by bare name (CHECK bodies, index expressions). */
export function columnsIn(expr: unknown): string[] {
  const out = new Set<string>();
  for (const ref of findAll(expr, "ColumnRef")) {
    const fields = strings(ref.fields);
    if (fields.length === 1 && fields[0]) out.add(fields[0]);
  }
  return [...out];
}

function generatedKind(constraints: Node[] | undefined): "stored" | "virtual" | "none" {
  const gen = (constraints ?? []).map((n) => as(n, "Constraint")).find((c) => c?.contype === "CONSTR_GENERATED");
  return !gen ? "none" : gen.generated_kind === "s" ? "stored" : "virtual";
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
  readonly knowledge: Knowledge;
  readonly #exclusiveByTx = new Map<number, Statement[]>();
  readonly #once = new Set<string>();
  readonly #enumValuesByTx = new Map<number, { type: string; value: string; statement: number }[]>();
  #sessionLockTimeout = false;
  #localLockTimeoutTx: number | undefined;
  #utc = false;

  constructor(facts?: LintFacts, assumed: AssumedCheck[] = []) {
    this.knowledge = new Knowledge(facts, assumed);
  }

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
    const t = this.knowledge.type(name);
    return t?.kind === "domain" && t.hasChecks;
  }

  lockTimeoutActive(tx: Transaction): boolean {
    return this.#sessionLockTimeout || this.#localLockTimeoutTx === tx.id;
  }

  /** An earlier SET TimeZone / SET TIME ZONE chose a zone with a zero UTC offset. */
  timeZoneIsUtc(): boolean {
    return this.#utc;
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

    this.#applyTypes(node);
    if (index?.relation && !this.isCreated(tableRef(index.relation))) {
      const cols = (index.indexParams ?? []).flatMap((p) => {
        const e = as(p, "IndexElem");
        return e?.name ? [e.name] : columnsIn(e?.expr);
      });
      const included = (index.indexIncludingParams ?? []).flatMap((p) => as(p, "IndexElem")?.name ?? []);
      this.knowledge.noteUse(tableRef(index.relation) ?? { name: "" }, [...new Set([...cols, ...included, ...columnsIn(index.whereClause)])], "indexes");
    }
    const partitioned = tableRef(create?.relation);
    if (create?.partspec && partitioned) {
      const key = (create.partspec.partParams ?? []).flatMap((p) => (as(p, "PartitionElem")?.name ? [as(p, "PartitionElem")?.name ?? ""] : []));
      this.knowledge.setPartitionKey(partitioned, key);
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

  #applyTypes(node: Node) {
    // Types are looked up by the name as written later, qualified or not: register both spellings.
    const spellings = (names: string[]) => [...new Set([names.join("."), names[names.length - 1] ?? ""])];
    const domain = as(node, "CreateDomainStmt");
    if (domain) {
      const hasChecks = (domain.constraints ?? []).some((c) => as(c, "Constraint")?.contype === "CONSTR_CHECK");
      for (const name of spellings(strings(domain.domainname))) this.knowledge.addType({ name, kind: "domain", base: typeSpecOf(domain.typeName), hasChecks });
    }
    const alterDomain = as(node, "AlterDomainStmt");
    if (alterDomain?.subtype === "C" && as(alterDomain.def, "Constraint")?.contype === "CONSTR_CHECK") {
      for (const name of spellings(strings(alterDomain.typeName))) {
        const known = this.knowledge.type(name);
        this.knowledge.addType({ ...(known ?? { name, kind: "domain" }), hasChecks: true });
      }
    }
    const enumType = as(node, "CreateEnumStmt");
    if (enumType) for (const name of spellings(strings(enumType.typeName))) this.knowledge.addType({ name, kind: "enum", hasChecks: false });
  }

  #applyAlter(cmds: Node[], table: TableRef, tx: Transaction) {
    for (const c of cmds) {
      const cmd = as(c, "AlterTableCmd");
      if (cmd) this.#applyAlterCmd(cmd, table, tx);
    }
  }

  #applyAlterCmd(cmd: AlterTableCmd, table: TableRef, tx: Transaction) {
    const k = this.knowledge;
    const column = cmd.name ?? "";
    switch (cmd.subtype) {
      case "AT_AddConstraint": {
        const con = as(cmd.def, "Constraint");
        if (con?.contype === "CONSTR_UNIQUE" || con?.contype === "CONSTR_PRIMARY") k.noteUse(table, strings(con.keys), "indexes");
        if (con?.contype !== "CONSTR_CHECK" && con?.contype !== "CONSTR_NOTNULL" && con?.contype !== "CONSTR_FOREIGN") return;
        const notNullOf = con.contype === "CONSTR_CHECK" ? notNullCheckColumn(con.raw_expr) : con.contype === "CONSTR_NOTNULL" ? strings(con.keys)[0] : undefined;
        const name = con.conname ?? (con.contype === "CONSTR_FOREIGN" ? `${table.name}_${strings(con.fk_attrs).join("_")}_fkey` : defaultCheckName(table.name, notNullOf));
        const columns = con.contype === "CONSTR_CHECK" ? columnsIn(con.raw_expr) : [];
        k.addCheck({ table, name, columns, ...(notNullOf && con.contype !== "CONSTR_FOREIGN" ? { notNullOf } : {}), valid: !con.skip_validation, tx: tx.id, source: "file" });
        return;
      }
      case "AT_ValidateConstraint":
        if (column) k.validate(table, column);
        return;
      case "AT_AddColumn": {
        const col = as(cmd.def, "ColumnDef");
        const cons = (col?.constraints ?? []).map((n) => as(n, "Constraint")?.contype);
        if (!col?.colname) return;
        k.setColumn({
          table,
          column: col.colname,
          type: typeSpecOf(col.typeName),
          notNull: cons.includes("CONSTR_NOTNULL") || cons.includes("CONSTR_PRIMARY"),
          indexes: cons.filter((x) => x === "CONSTR_UNIQUE" || x === "CONSTR_PRIMARY").length,
          checks: cons.filter((x) => x === "CONSTR_CHECK").length,
          generated: generatedKind(col.constraints),
          source: "file",
        });
        return;
      }
      case "AT_AlterColumnType": {
        const known = k.column(table, column);
        const col = as(cmd.def, "ColumnDef");
        if (known && col) k.setColumn({ ...known, type: typeSpecOf(col.typeName) });
        return;
      }
      case "AT_SetNotNull":
      case "AT_DropNotNull": {
        const known = k.column(table, column);
        k.setColumn({ ...(known ?? { table, column, source: "file" as const }), notNull: cmd.subtype === "AT_SetNotNull" });
        return;
      }
      default:
        return;
    }
  }

  #applyTimeouts(node: Node, tx: Transaction) {
    const set = as(node, "VariableSetStmt");
    if (set) {
      if (set.kind === "VAR_RESET_ALL") this.#sessionLockTimeout = false;
      if (set.name === "timezone") this.#utc = set.kind === "VAR_SET_VALUE" && UTC_ZONES.has(String(constValue(set.args?.[0]) ?? "").toLowerCase());
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
