import { z } from "./zod";

// Migration history of one database, as every detected migration tool recorded it.
// Shared by the route and the browser: no server-only imports here.

export const MigrationToolId = z.enum([
  "golang-migrate",
  "flyway",
  "liquibase",
  "alembic",
  "django",
  "rails",
  "dbmate",
  "prisma",
  "knex",
  "node-pg-migrate",
  "sequelize",
  "typeorm",
  "laravel",
  "drizzle",
  "goose",
  "sqlx",
  "diesel",
  "ecto",
  "sqitch",
  "atlas",
  "graphile-migrate",
  "kysely",
  "mikro-orm",
  "payload",
  "pgroll",
  "reshape",
  "supabase",
  "sql-migrate",
  "ef-core",
]);
export type MigrationToolId = z.infer<typeof MigrationToolId>;

/** As the tool records it; `pending` = started and not completed (pgroll `done = false`). */
export const MigrationState = z.enum(["applied", "failed", "dirty", "rolled_back", "pending"]);
export type MigrationState = z.infer<typeof MigrationState>;

export const MigrationEntry = z.object({
  version: z.string().nullable(),
  name: z.string().nullable(),
  description: z.string().nullable(),
  /** ISO time; null when this tool does not record it (see the tool's recordsTime). */
  appliedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  checksum: z.string().nullable(),
  /** Only Flyway (installed_by) and Sqitch (committer) record who ran a migration. */
  appliedBy: z.string().nullable(),
  state: MigrationState,
  /** The tool's own row kind: Flyway type, Liquibase exectype, Sqitch event, pgroll migration_type… */
  kind: z.string().nullable(),
  /** One run or unit: Knex/Laravel batch, Liquibase deployment_id, Sqitch project, pgroll schema. */
  group: z.string().nullable(),
  /** Liquibase changeset author (the author of the file, not who ran it). */
  author: z.string().nullable(),
  /** The error the tool stored (Prisma logs, Atlas error and statement). */
  error: z.string().nullable(),
});
export type MigrationEntry = z.infer<typeof MigrationEntry>;

export const MigrationTool = z.object({
  tool: MigrationToolId,
  /** Display name; "Rails or dbmate" when the table cannot tell them apart. */
  label: z.string(),
  schema: z.string(),
  table: z.string(),
  /** Why this table was taken for this tool (column set, fixed schema, sibling table). */
  detectedBy: z.string(),
  /** false for tools that keep only the current version (golang-migrate, Alembic). */
  keepsHistory: z.boolean(),
  /** A sentence for the UI when keepsHistory is false or rows mean something unusual. */
  note: z.string().nullable(),
  recordsTime: z.boolean(),
  recordsWho: z.boolean(),
  recordsDuration: z.boolean(),
  /** How entries are ordered (always newest first). */
  order: z.string(),
  /** false when pgwarden's role may not SELECT the table; `grant` says what would fix it. */
  readable: z.boolean(),
  grant: z.string().nullable(),
  totalRows: z.number(),
  /** Entries are capped (newest N, plus every failed/dirty row). */
  truncated: z.boolean(),
  entries: z.array(MigrationEntry),
});
export type MigrationTool = z.infer<typeof MigrationTool>;

export const MigrationProblem = z.object({
  tool: MigrationToolId,
  label: z.string(),
  schema: z.string(),
  table: z.string(),
  kind: z.enum(["failed", "dirty", "locked"]),
  version: z.string().nullable(),
  name: z.string().nullable(),
  message: z.string(),
});
export type MigrationProblem = z.infer<typeof MigrationProblem>;

export const MigrationHistory = z.object({
  tools: z.array(MigrationTool),
  /** Failed, dirty and stuck-lock states, for a loud banner at the top. */
  problems: z.array(MigrationProblem),
  /** Detected history tables left out because there were too many (one per tenant schema…). */
  omittedTables: z.number(),
});
export type MigrationHistory = z.infer<typeof MigrationHistory>;

export const MigrationHistoryResponse = MigrationHistory.extend({
  database: z.string().nullable(),
  readAt: z.number(),
});
export type MigrationHistoryResponse = z.infer<typeof MigrationHistoryResponse>;
