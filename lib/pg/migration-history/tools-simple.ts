import { time } from "./sql";
import { MIGRATION_NAME, T, type ToolDef } from "./tool";

// Tools whose rows only ever mean "applied" (rollback deletes the row).

type Defaulted = "keepsHistory" | "recordsWho" | "recordsDuration";
type Simple = Omit<ToolDef, Defaulted> & Partial<Pick<ToolDef, Defaulted>>;

function simple(def: Simple): ToolDef {
  return { keepsHistory: true, recordsWho: false, recordsDuration: false, ...def };
}

const applied = "'applied'";

export const knex = simple({
  id: "knex",
  label: "Knex",
  columns: { id: T.int, name: T.text, batch: T.int, migration_time: T.time },
  exact: true,
  recordsTime: true,
  order: "id, newest first (grouped by batch)",
  read: (t) => ({
    fields: { name: "m.name", grp: "m.batch", applied_at: time(t, "migration_time"), state: applied },
    orderBy: "m.id DESC",
  }),
  lock: {
    name: (t) => `${t.name}_lock`,
    query: (ref) => /* sql */ `
      SELECT coalesce(bool_or(is_locked <> 0), false) AS held, NULL::timestamptz AS since, NULL::text AS by FROM ${ref}`,
    message: () => "Knex's migration lock is held. If no migration is running, a crashed run left it: `knex migrate:unlock`.",
  },
});

export const laravel = simple({
  id: "laravel",
  label: "Laravel",
  columns: { id: T.int, migration: T.text, batch: T.int },
  exact: true,
  recordsTime: false,
  order: "id, newest first (grouped by batch)",
  read: () => ({ fields: { name: "m.migration", grp: "m.batch", state: applied }, orderBy: "m.id DESC" }),
});

export const typeorm = simple({
  id: "typeorm",
  label: "TypeORM",
  columns: { id: T.int, timestamp: T.bigint, name: T.text },
  exact: true,
  nameHint: MIGRATION_NAME,
  note: "TypeORM's timestamp comes from the migration's class name; it is not when it ran.",
  recordsTime: false,
  order: "id, newest first",
  read: () => ({ fields: { version: 'm."timestamp"', name: "m.name", state: applied }, orderBy: "m.id DESC" }),
});

export const payload = simple({
  id: "payload",
  label: "Payload CMS",
  columns: { id: T.int, name: T.text, batch: T.numeric, created_at: T.time },
  optional: ["updated_at"],
  exact: true,
  nameHint: MIGRATION_NAME,
  recordsTime: true,
  order: "id, newest first",
  read: (t) => ({
    fields: {
      name: "m.name",
      grp: "m.batch",
      kind: `CASE WHEN m.batch = -1 THEN 'dev push' END`,
      applied_at: time(t, "created_at"),
      state: applied,
    },
    orderBy: "m.id DESC",
  }),
});

export const nodePgMigrate = simple({
  id: "node-pg-migrate",
  label: "node-pg-migrate",
  columns: { id: T.int, name: T.text, run_on: T.time },
  exact: true,
  nameHint: MIGRATION_NAME,
  recordsTime: true,
  order: "id, newest first",
  read: (t) => ({ fields: { name: "m.name", applied_at: time(t, "run_on"), state: applied }, orderBy: "m.id DESC" }),
});

export const mikroOrm = simple({
  id: "mikro-orm",
  label: "MikroORM",
  columns: { id: T.int, name: T.text, executed_at: T.time },
  exact: true,
  nameHint: MIGRATION_NAME,
  recordsTime: true,
  order: "id, newest first",
  read: (t) => ({ fields: { name: "m.name", applied_at: time(t, "executed_at"), state: applied }, orderBy: "m.id DESC" }),
});

export const diesel = simple({
  id: "diesel",
  label: "Diesel",
  columns: { version: T.text, run_on: T.time },
  exact: true,
  nameHint: MIGRATION_NAME,
  recordsTime: true,
  order: "run_on, newest first",
  read: (t) => ({
    fields: { version: "m.version", applied_at: time(t, "run_on"), state: applied },
    orderBy: "m.run_on DESC, m.version DESC",
  }),
});

export const django = simple({
  id: "django",
  label: "Django",
  columns: { id: T.int, app: T.text, name: T.text, applied: T.time },
  exact: true,
  nameHint: MIGRATION_NAME,
  recordsTime: true,
  order: "id, newest first",
  read: (t) => ({
    fields: { grp: "m.app", name: "m.name", applied_at: time(t, "applied"), state: applied },
    orderBy: "m.id DESC",
  }),
});

export const kysely = simple({
  id: "kysely",
  label: "Kysely",
  columns: { name: T.text, timestamp: T.text },
  exact: true,
  nameHint: MIGRATION_NAME,
  recordsTime: true,
  order: "timestamp, newest first",
  // The timestamp is an ISO string written by the client; parsed in TypeScript, not cast in SQL,
  // so one malformed value cannot fail the whole read.
  read: () => ({
    fields: { name: "m.name", applied_at: 'm."timestamp"', state: applied },
    orderBy: 'm."timestamp" DESC, m.name DESC',
  }),
  lock: {
    name: (t) => `${t.name}_lock`,
    query: (ref) => /* sql */ `
      SELECT coalesce(bool_or(is_locked <> 0), false) AS held, NULL::timestamptz AS since, NULL::text AS by FROM ${ref}`,
    message: () => "Kysely's migration lock is held. If no migration is running, a crashed run left it (is_locked = 1).",
  },
});

export const sqlMigrate = simple({
  id: "sql-migrate",
  label: "sql-migrate",
  columns: { id: T.text, applied_at: T.time },
  exact: true,
  nameHint: /migrat/i,
  recordsTime: true,
  order: "applied_at, newest first",
  read: (t) => ({
    fields: { name: "m.id", applied_at: time(t, "applied_at"), state: applied },
    orderBy: "m.applied_at DESC NULLS LAST, m.id DESC",
  }),
});

export const efCore = simple({
  id: "ef-core",
  label: "EF Core",
  columns: { MigrationId: T.text, ProductVersion: T.text },
  exact: true,
  recordsTime: false,
  order: "MigrationId, newest first",
  read: () => ({
    fields: { name: 'm."MigrationId"', description: `'EF Core ' || m."ProductVersion"`, state: applied },
    orderBy: 'm."MigrationId" DESC',
  }),
});

export const alembic = simple({
  id: "alembic",
  label: "Alembic",
  columns: { version_num: T.text },
  exact: true,
  keepsHistory: false,
  note: "Alembic keeps only the current head revision (one row per branch head), not a history.",
  recordsTime: false,
  order: "current head(s) only",
  read: () => ({ fields: { version: "m.version_num", state: applied }, orderBy: "m.version_num DESC" }),
});

const VERSION_ONLY = { version: T.text };
const versionRead: ToolDef["read"] = () => ({
  fields: { version: "m.version", state: applied },
  // 14-digit timestamps; length first so a shorter legacy version never sorts above them
  orderBy: "length(m.version) DESC, m.version DESC",
});

export const rails = simple({
  id: "rails",
  label: "Rails",
  columns: VERSION_ONLY,
  exact: true,
  nameHint: MIGRATION_NAME,
  also: (t, cat) => (cat.table(t.schema, "ar_internal_metadata") ? "ar_internal_metadata in the same schema" : null),
  recordsTime: false,
  order: "version, newest first",
  read: versionRead,
});

// dbmate has exactly Rails' table; only ar_internal_metadata tells Rails apart, and Rails can
// be configured without it, so the honest label names both.
export const dbmate = simple({
  id: "dbmate",
  label: "Rails or dbmate",
  columns: VERSION_ONLY,
  exact: true,
  nameHint: MIGRATION_NAME,
  recordsTime: false,
  order: "version, newest first",
  read: versionRead,
});

export const sequelize = simple({
  id: "sequelize",
  label: "Sequelize",
  columns: { name: T.text },
  optional: ["createdAt", "updatedAt"],
  exact: true,
  nameHint: /sequelize|meta|migrat/i,
  recordsTime: (t) => t.columns.has("createdAt"),
  order: "name, newest first",
  read: (t) => ({
    fields: { name: "m.name", applied_at: time(t, "createdAt"), state: applied },
    orderBy: "m.name DESC",
  }),
});
