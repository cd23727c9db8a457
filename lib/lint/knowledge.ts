// What the linter knows about existing tables: CHECK constraints, columns (type, NOT NULL, how
// many indexes and CHECKs use them), partition keys and user types. It starts from facts given
// with the call (the server's catalog, or the user's --assume-validated-check / inline note) and
// learns from the file's own statements as they are linted, so a recipe split across files
// lints the same as the recipe in one file.
import type { LintFacts, TableRef, TypeSpec } from "@/lib/schemas/lint";
import type { AssumedCheck } from "./directives";

export type FactSource = "file" | "catalog" | "assumed";

export interface CheckInfo {
  table: TableRef;
  name: string;
  columns: string[];
  /** The CHECK is exactly `column IS NOT NULL` (for "assumed": the user says it proves it). */
  notNullOf?: string;
  valid: boolean;
  /** Transaction in which the file added it. */
  tx?: number;
  source: FactSource;
}

export interface ColumnInfo {
  table: TableRef;
  column: string;
  type?: TypeSpec;
  notNull?: boolean;
  indexes?: number;
  checks?: number;
  generated?: "stored" | "virtual" | "none";
  source: FactSource;
}

export interface TypeInfo {
  name: string;
  kind: "domain" | "enum" | "other";
  base?: TypeSpec;
  hasChecks: boolean;
}

/** Same table when the names match and the schemas do not contradict (an unqualified name may be either). */
export function sameTable(a: TableRef, b: TableRef): boolean {
  return a.name === b.name && (!a.schema || !b.schema || a.schema === b.schema);
}

export class Knowledge {
  readonly #checks: CheckInfo[] = [];
  readonly #columns: ColumnInfo[] = [];
  readonly #partitionKeys: { table: TableRef; columns: string[] }[] = [];
  readonly #types = new Map<string, TypeInfo>();

  constructor(facts: LintFacts | undefined, assumed: AssumedCheck[]) {
    for (const c of facts?.checks ?? []) this.#checks.push({ ...c, valid: true });
    for (const a of assumed) this.#checks.push({ table: a.table, name: "(assumed)", columns: [a.column], notNullOf: a.column, valid: true, source: "assumed" });
    for (const c of facts?.columns ?? []) this.#columns.push({ ...c, source: "catalog" });
    this.#partitionKeys.push(...(facts?.partitionKeys ?? []));
    for (const t of facts?.types ?? []) this.#types.set(t.name, t);
  }

  addCheck(check: CheckInfo) {
    const i = this.#checks.findIndex((c) => sameTable(c.table, check.table) && c.name === check.name);
    if (i >= 0) this.#checks.splice(i, 1);
    this.#checks.push(check);
    for (const column of check.columns) this.#bump(check.table, column, "checks");
  }

  validate(table: TableRef, name: string) {
    for (const c of this.#checks) if (sameTable(c.table, table) && c.name === name) c.valid = true;
  }

  /** The transaction in which constraint `name` of `table` was added NOT VALID, if it was. */
  notValidAddedIn(table: TableRef, name: string): number | undefined {
    const c = this.#checks.find((x) => sameTable(x.table, table) && x.name === name);
    return c && !c.valid ? c.tx : undefined;
  }

  /** A valid constraint that proves table.column IS NOT NULL (SET NOT NULL then skips its scan, PG 12+). */
  notNullProof(table: TableRef, column: string): CheckInfo | undefined {
    return this.#checks.find((c) => c.valid && c.notNullOf === column && sameTable(c.table, table));
  }

  validChecks(table: TableRef): CheckInfo[] {
    return this.#checks.filter((c) => c.valid && sameTable(c.table, table));
  }

  column(table: TableRef, column: string): ColumnInfo | undefined {
    return this.#columns.find((c) => c.column === column && sameTable(c.table, table));
  }

  setColumn(info: ColumnInfo) {
    const i = this.#columns.findIndex((c) => c.column === info.column && sameTable(c.table, info.table));
    if (i >= 0) this.#columns[i] = { ...this.#columns[i], ...info };
    else this.#columns.push(info);
  }

  /** An index or CHECK on known columns was added by the file. */
  noteUse(table: TableRef, columns: string[], what: "indexes" | "checks") {
    for (const column of columns) this.#bump(table, column, what);
  }

  #bump(table: TableRef, column: string, what: "indexes" | "checks") {
    const c = this.column(table, column);
    if (c?.[what] !== undefined) c[what] += 1;
  }

  partitionKey(table: TableRef): string[] | undefined {
    return this.#partitionKeys.find((p) => sameTable(p.table, table))?.columns;
  }

  setPartitionKey(table: TableRef, columns: string[]) {
    this.#partitionKeys.push({ table, columns });
  }

  type(name: string): TypeInfo | undefined {
    return this.#types.get(name);
  }

  addType(info: TypeInfo) {
    this.#types.set(info.name, info);
  }
}
