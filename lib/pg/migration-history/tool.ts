import type { MigrationEntry, MigrationToolId } from "@/lib/schemas/migrations";
import type { TableInfo } from "./catalog";
import type { ReadSpec } from "./sql";

// What a migration tool looks like in the catalog, and how to read its table.

export type TypeTest = (formatType: string) => boolean;

export const T = {
  any: () => true,
  text: (t) => /^(text|character varying|character|name)\b/.test(t) && !t.endsWith("[]"),
  textArray: (t) => /^(text|character varying)(\(\d+\))?\[\]$/.test(t),
  int: (t) => t === "integer" || t === "bigint" || t === "smallint",
  bigint: (t) => t === "bigint",
  bool: (t) => t === "boolean",
  time: (t) => t.startsWith("timestamp"),
  numeric: (t) => t.startsWith("numeric"),
  bytea: (t) => t === "bytea",
  json: (t) => t === "json" || t === "jsonb",
} satisfies Record<string, TypeTest>;

/** Other tables of the database, for checks that need a sibling (Rails metadata, Sqitch registry). */
export interface Catalog {
  table(schema: string, name: string): TableInfo | undefined;
  inSchema(schema: string): TableInfo[];
}

export interface ToolDef {
  id: MigrationToolId;
  label: string;
  /** A schema and table the tool always uses: these identify it on their own. */
  fixed?: { schema: string; table: string };
  /** Columns that must be present, with their types. */
  columns?: Record<string, TypeTest>;
  /** Columns a version of the tool may add. With `exact`, nothing else may be present. */
  optional?: string[];
  exact?: boolean;
  /** Weak column sets must also have a name that looks like the tool's table (name second). */
  nameHint?: RegExp;
  /** Extra structural condition (sibling tables). Returns the reason, or null. */
  also?: (t: TableInfo, cat: Catalog) => string | null;

  keepsHistory: boolean;
  note?: string;
  recordsTime: boolean | ((t: TableInfo) => boolean);
  recordsWho: boolean;
  recordsDuration: boolean;
  order: string;
  read: (t: TableInfo) => ReadSpec;
  /** Reject a look-alike once its row count is known (golang-migrate keeps at most one row). */
  acceptTotal?: (total: number) => boolean;
  /** A lock table next to the history table that a crashed run can leave held. */
  lock?: { name: (t: TableInfo) => string; query: (ref: string) => string; message: (by: string | null, since: string | null) => string };
  problemMessage?: (e: MigrationEntry) => string;
}

/** Default name hint for configurable tables: people keep "migration" in the name. */
export const MIGRATION_NAME = /migrat/i;

export function ident(e: MigrationEntry): string {
  return [e.version, e.name].filter(Boolean).join(" ") || "(unnamed)";
}
