import { escapeIdentifier } from "pg";
import { col, tableRef, time } from "./sql";
import { ident, MIGRATION_NAME, T, type ToolDef } from "./tool";

// Tools that record failed, dirty, rolled-back or in-progress states (reference Part A).

const q = escapeIdentifier;

export const golangMigrate: ToolDef = {
  id: "golang-migrate",
  label: "golang-migrate",
  columns: { version: T.bigint, dirty: T.bool },
  exact: true,
  keepsHistory: false,
  note: "golang-migrate keeps only the current version: the table is rewritten on every step, so there is no history to show.",
  recordsTime: false,
  recordsWho: false,
  recordsDuration: false,
  order: "current version only",
  read: (t) => ({
    fields: { version: col(t, "version"), state: `CASE WHEN m.dirty THEN 'dirty' ELSE 'applied' END` },
    orderBy: "m.version DESC",
  }),
  // golang-migrate truncates and re-inserts: more than one row is some other table.
  acceptTotal: (n) => n <= 1,
  problemMessage: (e) =>
    `golang-migrate is dirty at version ${e.version}: a migration failed or is still running. ` +
    "Fix the schema by hand, then `migrate force <last good version>`.",
};

export const flyway: ToolDef = {
  id: "flyway",
  label: "Flyway",
  columns: { installed_rank: T.int, script: T.text, installed_by: T.text, execution_time: T.int, success: T.bool },
  keepsHistory: true,
  recordsTime: true,
  recordsWho: true,
  recordsDuration: true,
  order: "installed_rank, newest first",
  read: (t) => ({
    fields: {
      version: col(t, "version"),
      name: col(t, "script"),
      description: col(t, "description"),
      applied_at: time(t, "installed_on"),
      duration_ms: col(t, "execution_time"),
      checksum: col(t, "checksum"),
      applied_by: col(t, "installed_by"),
      kind: col(t, "type"),
      // Teams' undo appends UNDO_* rows rather than deleting the original.
      state: `CASE WHEN NOT m.success THEN 'failed' WHEN ${col(t, "type")} LIKE 'UNDO%' THEN 'rolled_back' ELSE 'applied' END`,
    },
    orderBy: "m.installed_rank DESC",
  }),
  problemMessage: (e) =>
    `Flyway recorded a failed migration ${ident(e)} (success = false: it could not be rolled back). ` +
    "Undo its partial changes by hand, then run `flyway repair`.",
};

export const liquibase: ToolDef = {
  id: "liquibase",
  label: "Liquibase",
  columns: { author: T.text, filename: T.text, dateexecuted: T.time, orderexecuted: T.int, exectype: T.text, md5sum: T.text },
  keepsHistory: true,
  recordsTime: true,
  recordsWho: false,
  recordsDuration: false,
  order: "orderexecuted, newest first",
  read: (t) => ({
    fields: {
      version: col(t, "id"),
      name: col(t, "filename"),
      description: `concat_ws(' — ', nullif(${col(t, "description")}, ''), nullif(${col(t, "comments")}, ''))`,
      applied_at: time(t, "dateexecuted"),
      checksum: col(t, "md5sum"),
      kind: col(t, "exectype"),
      grp: col(t, "deployment_id"),
      author: col(t, "author"),
      state: `CASE WHEN m.exectype = 'FAILED' THEN 'failed' ELSE 'applied' END`,
    },
    orderBy: "m.orderexecuted DESC, m.dateexecuted DESC",
  }),
  lock: {
    name: (t) => `${t.name}lock`,
    query: (ref) => /* sql */ `
      SELECT coalesce(bool_or(locked), false) AS held, max(lockgranted)::timestamptz AS since, max(lockedby)::text AS by
        FROM ${ref} WHERE locked`,
    message: (by, since) =>
      `Liquibase's changelog lock is held${by ? ` by ${by}` : ""}${since ? ` since ${since}` : ""}. ` +
      "If no update is running, a crashed run left it: `liquibase release-locks`.",
  },
  problemMessage: (e) => `Liquibase changeset ${ident(e)} is recorded as FAILED.`,
};

export const prisma: ToolDef = {
  id: "prisma",
  label: "Prisma",
  columns: { migration_name: T.text, applied_steps_count: T.int, rolled_back_at: T.time },
  keepsHistory: true,
  note: "Prisma records every attempt: a failed attempt stays, and a retry adds a new row.",
  recordsTime: true,
  recordsWho: false,
  recordsDuration: true,
  order: "started_at, newest first",
  read: (t) => ({
    fields: {
      name: col(t, "migration_name"),
      applied_at: time(t, "started_at"),
      duration_ms: `extract(epoch FROM (${time(t, "finished_at")} - ${time(t, "started_at")})) * 1000`,
      checksum: col(t, "checksum"),
      error: `nullif(${col(t, "logs")}, '')`,
      kind: `${col(t, "applied_steps_count")} || CASE WHEN ${col(t, "applied_steps_count")} = 1 THEN ' step' ELSE ' steps' END`,
      state: `CASE WHEN m.rolled_back_at IS NOT NULL THEN 'rolled_back'
                   WHEN ${col(t, "finished_at")} IS NULL THEN 'failed' ELSE 'applied' END`,
    },
    orderBy: `${time(t, "started_at")} DESC NULLS LAST, m.migration_name DESC`,
  }),
  problemMessage: (e) =>
    `Prisma migration ${ident(e)} failed (P3009 blocks \`migrate deploy\`). ` +
    "Fix it, then `prisma migrate resolve --rolled-back` or `--applied`.",
};

export const sqlx: ToolDef = {
  id: "sqlx",
  label: "sqlx",
  columns: { version: T.bigint, installed_on: T.time, success: T.bool, checksum: T.bytea, execution_time: T.int },
  keepsHistory: true,
  recordsTime: true,
  recordsWho: false,
  recordsDuration: true,
  order: "version, newest first",
  read: (t) => ({
    fields: {
      version: "m.version",
      description: col(t, "description"),
      applied_at: time(t, "installed_on"),
      // nanoseconds; -1 until sqlx's final UPDATE after the migration ran
      duration_ms: `CASE WHEN m.execution_time >= 0 THEN m.execution_time / 1e6 END`,
      checksum: `encode(m.checksum, 'hex')`,
      state: `CASE WHEN m.success THEN 'applied' ELSE 'dirty' END`,
    },
    orderBy: "m.version DESC",
  }),
  problemMessage: (e) =>
    `sqlx migration ${ident(e)} is partially applied (success = false); sqlx refuses to run until ` +
    "the schema is fixed and the row is removed.",
};

export const atlas: ToolDef = {
  id: "atlas",
  label: "Atlas",
  fixed: { schema: "atlas_schema_revisions", table: "atlas_schema_revisions" },
  columns: { version: T.text, applied: T.int, total: T.int, error: T.text, error_stmt: T.text, partial_hashes: T.any },
  keepsHistory: true,
  recordsTime: true,
  recordsWho: false,
  recordsDuration: true,
  order: "executed_at, newest first",
  read: (t) => {
    const type = `coalesce(${col(t, "type")}::bigint, 0)`;
    return {
    // Atlas Cloud's identifier row is not a migration.
    where: `m.version <> '.atlas_cloud_identifier'`,
    fields: {
      version: "m.version",
      description: col(t, "description"),
      applied_at: time(t, "executed_at"),
      duration_ms: `${col(t, "execution_time")} / 1e6`,
      checksum: col(t, "hash"),
      error: `nullif(concat_ws(E'\\n', nullif(m.error, ''), nullif(m.error_stmt, '')), '')`,
      kind: `nullif(concat_ws('+', CASE WHEN ${type} & 1 <> 0 THEN 'baseline' END,
                                    CASE WHEN ${type} & 2 <> 0 THEN 'executed' END,
                                    CASE WHEN ${type} & 4 <> 0 THEN 'resolved' END), '')`,
      // type flag 4 = resolved by hand after a partial run (`atlas migrate set`)
      state: `CASE WHEN ${type} & 4 <> 0 THEN 'applied'
                   WHEN coalesce(m.error, '') <> '' THEN 'failed'
                   WHEN m.applied < m.total THEN 'dirty' ELSE 'applied' END`,
    },
    orderBy: `${time(t, "executed_at")} DESC NULLS LAST, m.version DESC`,
    };
  },
  problemMessage: (e) =>
    e.state === "failed"
      ? `Atlas revision ${ident(e)} failed${e.error ? `: ${e.error.split("\n")[0]}` : ""}.`
      : `Atlas revision ${ident(e)} is partially applied (applied < total).`,
};

export const sqitch: ToolDef = {
  id: "sqitch",
  label: "Sqitch",
  columns: { event: T.text, change: T.text, project: T.text, committed_at: T.time },
  // The registry schema is configurable (--registry); its set of tables is not.
  also: (t, cat) =>
    t.name === "events" && ["changes", "projects", "releases", "tags"].every((n) => cat.table(t.schema, n))
      ? `Sqitch registry tables in schema ${t.schema}`
      : null,
  keepsHistory: true,
  note: "The Sqitch events log: deploys, reverts and failures, in the order they happened.",
  recordsTime: true,
  recordsWho: true,
  recordsDuration: false,
  order: "events.committed_at, newest first",
  read: (t) => ({
    fields: {
      name: "m.change",
      description: `nullif(${col(t, "note")}, '')`,
      applied_at: time(t, "committed_at"),
      applied_by: `concat_ws(' ', ${col(t, "committer_name")}, '<' || ${col(t, "committer_email")} || '>')`,
      kind: "m.event",
      grp: "m.project",
      state: `CASE m.event WHEN 'fail' THEN 'failed' WHEN 'revert' THEN 'rolled_back' ELSE 'applied' END`,
      // A failure matters only while it is the change's latest event.
      problem: `m.event = 'fail' AND row_number() OVER (PARTITION BY m.project, m.change ORDER BY m.committed_at DESC) = 1`,
    },
    orderBy: "m.committed_at DESC",
  }),
  problemMessage: (e) => `Sqitch's latest event for change ${e.name} (project ${e.group}) is a failed deploy.`,
};

export const pgroll: ToolDef = {
  id: "pgroll",
  label: "pgroll",
  fixed: { schema: "pgroll", table: "migrations" },
  columns: { schema: T.text, name: T.text, migration: T.json, done: T.bool, parent: T.text },
  keepsHistory: true,
  note: "A pending pgroll migration has been started and not completed (or rolled back) yet.",
  recordsTime: true,
  recordsWho: false,
  recordsDuration: false,
  order: "parent chain, newest first",
  read: (t) => ({
    // pgroll chains migrations by `parent` per schema; the chain, not the clock, is the order.
    with: `chain AS (
        SELECT c.${q("schema")}, c.name, 1 AS depth FROM ${tableRef(t)} c WHERE c.parent IS NULL
        UNION ALL
        SELECT c.${q("schema")}, c.name, p.depth + 1
          FROM ${tableRef(t)} c JOIN chain p ON c.${q("schema")} = p.${q("schema")} AND c.parent = p.name
         WHERE p.depth < 100000)`,
    from: `${tableRef(t)} m LEFT JOIN chain ch ON ch.${q("schema")} = m.${q("schema")} AND ch.name = m.name`,
    fields: {
      name: "m.name",
      applied_at: time(t, "created_at"),
      kind: col(t, "migration_type"),
      grp: `m.${q("schema")}`,
      state: `CASE WHEN m.done THEN 'applied' ELSE 'pending' END`,
    },
    orderBy: `ch.depth DESC NULLS LAST, ${time(t, "created_at")} DESC`,
  }),
};

export const goose: ToolDef = {
  id: "goose",
  label: "goose",
  columns: { id: T.int, version_id: T.int, is_applied: T.bool, tstamp: T.time },
  exact: true,
  keepsHistory: true,
  recordsTime: true,
  recordsWho: false,
  recordsDuration: false,
  order: "id, newest first",
  read: (t) => ({
    // version 0 is the seed row goose inserts when it creates the table
    where: "m.version_id <> 0",
    fields: {
      version: "m.version_id",
      applied_at: time(t, "tstamp"),
      // goose before 2018 recorded a down step as a row with is_applied = false
      state: `CASE WHEN m.is_applied THEN 'applied' ELSE 'rolled_back' END`,
    },
    orderBy: "m.id DESC",
  }),
};

export const ecto: ToolDef = {
  id: "ecto",
  label: "Ecto",
  columns: { version: T.bigint, inserted_at: T.time },
  exact: true,
  nameHint: MIGRATION_NAME,
  keepsHistory: true,
  recordsTime: true,
  recordsWho: false,
  recordsDuration: false,
  order: "version, newest first",
  read: (t) => ({
    fields: { version: "m.version", applied_at: time(t, "inserted_at", true), state: "'applied'" },
    orderBy: "m.version DESC",
  }),
};
