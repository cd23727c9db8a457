// Small readers over libpg_query's JSON AST. Fields that are false, zero or empty are left out
// of that JSON, so every accessor tolerates `undefined`.
import type { Node, RangeVar, TypeName } from "libpg-query";
import type { TableRef } from "@/lib/schemas/lint";

type KeysOfUnion<T> = T extends T ? keyof T : never;
export type NodeKey = KeysOfUnion<Node>;
export type NodeOf<K extends NodeKey> = Extract<Node, Record<K, unknown>>[K];

/** The payload of `node` when it is a `key` node, e.g. `as(n, "IndexStmt")`. */
export function as<K extends NodeKey>(node: Node | undefined, key: K): NodeOf<K> | undefined {
  if (!node || !(key in node)) return undefined;
  return (node as unknown as Record<K, NodeOf<K>>)[key];
}

/** The type name of a node wrapper, e.g. "AlterTableStmt". */
export function kindOf(node: Node): string {
  return Object.keys(node)[0] ?? "";
}

/** The svals of a list of String nodes (qualified names, column lists). */
export function strings(nodes: Node[] | undefined): string[] {
  const out: string[] = [];
  for (const n of nodes ?? []) {
    const s = as(n, "String");
    if (s?.sval !== undefined) out.push(s.sval);
  }
  return out;
}

export function tableRef(rv: RangeVar | undefined): TableRef | undefined {
  if (!rv?.relname) return undefined;
  return rv.schemaname ? { schema: rv.schemaname, name: rv.relname } : { name: rv.relname };
}

/** A DropStmt object (a List of String nodes) as a table reference: [schema,] name. */
export function refFromNames(names: string[]): TableRef | undefined {
  const name = names[names.length - 1];
  if (!name) return undefined;
  const schema = names.length > 1 ? names[names.length - 2] : undefined;
  return schema ? { schema, name } : { name };
}

export function displayName(ref: TableRef): string {
  return ref.schema ? `${ref.schema}.${ref.name}` : ref.name;
}

/** Type name without the pg_catalog prefix the grammar adds, e.g. "int4", "varchar", "my_domain". */
export function baseTypeName(tn: TypeName | undefined): string {
  const names = strings(tn?.names);
  return names[names.length - 1] ?? "";
}

export function typmods(tn: TypeName | undefined): number[] {
  return (tn?.typmods ?? []).map((m) => as(m, "A_Const")?.ival?.ival ?? 0);
}

/** Every payload of type `key` anywhere below `node` (default expressions, CHECK bodies …). */
export function findAll<K extends NodeKey>(node: unknown, key: K): NodeOf<K>[] {
  const out: NodeOf<K>[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
    } else if (value && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (k === key) out.push(v as NodeOf<K>);
        visit(v);
      }
    }
  };
  visit(node);
  return out;
}

/** Value of a SET argument: numbers as numbers, everything else as text. */
export function constValue(node: Node | undefined): string | number | undefined {
  const c = as(node, "A_Const");
  if (!c) return undefined;
  if (c.sval) return c.sval.sval ?? "";
  if (c.ival) return c.ival.ival ?? 0;
  if (c.fval) return Number(c.fval.fval ?? 0);
  if (c.boolval) return c.boolval.boolval ? "on" : "off";
  return undefined;
}
