import { col, time } from "./sql";
import { MIGRATION_NAME, T, type ToolDef } from "./tool";

// Tools with a fixed schema of their own; that schema identifies them even if columns drift.

const base = { keepsHistory: true, recordsWho: false, recordsDuration: false } as const;

export const graphileMigrate: ToolDef = {
  ...base,
  id: "graphile-migrate",
  label: "graphile-migrate",
  fixed: { schema: "graphile_migrate", table: "migrations" },
  columns: { hash: T.text, previous_hash: T.text, filename: T.text, date: T.time },
  recordsTime: true,
  order: "date, newest first",
  read: (t) => ({
    fields: { name: col(t, "filename"), checksum: col(t, "hash"), applied_at: time(t, "date"), state: "'applied'" },
    orderBy: `${time(t, "date")} DESC NULLS LAST`,
  }),
};

export const drizzle: ToolDef = {
  ...base,
  id: "drizzle",
  label: "Drizzle",
  fixed: { schema: "drizzle", table: "__drizzle_migrations" },
  columns: { id: T.int, hash: T.text, created_at: T.bigint },
  optional: ["name", "applied_at"],
  exact: true,
  nameHint: MIGRATION_NAME,
  note: "Drizzle's created_at (shown as the version) is when the migration was written, not when it ran.",
  // applied_at arrived with drizzle-orm 1.0; older tables record no application time
  recordsTime: (t) => t.columns.has("applied_at"),
  order: "id, newest first",
  read: (t) => ({
    fields: {
      version: col(t, "created_at"),
      name: col(t, "name"),
      checksum: col(t, "hash"),
      applied_at: time(t, "applied_at"),
      state: "'applied'",
    },
    orderBy: `${col(t, "id")} DESC`,
  }),
};

export const reshape: ToolDef = {
  ...base,
  id: "reshape",
  label: "Reshape",
  fixed: { schema: "reshape", table: "migrations" },
  columns: { index: T.int, name: T.text, actions: T.json, completed_at: T.time },
  optional: ["description"],
  exact: true,
  nameHint: MIGRATION_NAME,
  recordsTime: true,
  order: "index, newest first",
  read: (t) => ({
    fields: { name: col(t, "name"), description: col(t, "description"), applied_at: time(t, "completed_at"), state: "'applied'" },
    orderBy: `${col(t, "index")} DESC`,
  }),
};

export const supabase: ToolDef = {
  ...base,
  id: "supabase",
  label: "Supabase CLI",
  fixed: { schema: "supabase_migrations", table: "schema_migrations" },
  columns: { version: T.text, statements: T.textArray },
  recordsTime: false,
  order: "version, newest first",
  read: (t) => ({
    fields: {
      version: col(t, "version"),
      name: col(t, "name"),
      kind: t.columns.has("statements") ? `cardinality(m.statements) || ' statements'` : "NULL",
      state: "'applied'",
    },
    orderBy: `${col(t, "version")} DESC`,
  }),
};
