import { z } from "zod";
import { DatabaseName, text } from "./common";

// Migration linting: shared by the route, the CLI, the linter itself and the browser.
// No pg or libpg-query import here (the browser loads this file).

/** ~1 MB of SQL: a large migration, well below what the WASM parser handles in one call. */
export const MAX_LINT_SQL_CHARS = 1_000_000;

export const Severity = z.enum(["error", "warning", "info"]);
export type Severity = z.infer<typeof Severity>;

/** Table-level lock modes, weakest first (PostgreSQL docs, "Explicit Locking"). */
export const LOCK_LEVELS = [
  "ACCESS SHARE",
  "ROW SHARE",
  "ROW EXCLUSIVE",
  "SHARE UPDATE EXCLUSIVE",
  "SHARE",
  "SHARE ROW EXCLUSIVE",
  "EXCLUSIVE",
  "ACCESS EXCLUSIVE",
] as const;
export const LockLevel = z.enum(LOCK_LEVELS);
export type LockLevel = z.infer<typeof LockLevel>;

/** What the statement makes the server do with the table's data while it holds the lock. */
export const Work = z.enum(["none", "scan", "rewrite", "build"]);
export type Work = z.infer<typeof Work>;

export const TableRef = z.object({ schema: z.string().optional(), name: z.string() });
export type TableRef = z.infer<typeof TableRef>;

export const RecipeStep = z.object({ text: z.string(), sql: z.string().optional() });
export type RecipeStep = z.infer<typeof RecipeStep>;

export const Recipe = z.object({ summary: z.string(), steps: z.array(RecipeStep) });
export type Recipe = z.infer<typeof Recipe>;

export const Finding = z.object({
  /** e.g. "index-not-concurrent"; "parse-error" for SQL the parser rejects. */
  rule: z.string(),
  severity: Severity,
  /** 1-based position of the statement in the file. */
  statement: z.number().int().min(1),
  /** 1-based line and column of the part of the statement the finding is about. */
  line: z.number().int().min(1),
  column: z.number().int().min(1),
  /** The statement's text (shortened when long). */
  excerpt: z.string(),
  /** One line: what was found. */
  message: z.string(),
  lock: LockLevel.nullable(),
  work: Work,
  tables: z.array(TableRef),
  why: z.string(),
  recipe: Recipe.nullable(),
});
export type Finding = z.infer<typeof Finding>;

/** A table the migration locks, with the strongest lock it takes on it. */
export const TouchedTable = TableRef.extend({ lock: LockLevel });
export type TouchedTable = z.infer<typeof TouchedTable>;

export const LintResult = z.object({
  findings: z.array(Finding),
  statementCount: z.number().int().min(0),
  serverVersionNum: z.number().int(),
  /** Existing tables the file locks (tables it creates itself are left out). */
  tables: z.array(TouchedTable),
});
export type LintResult = z.infer<typeof LintResult>;

export const LintRequest = z.object({
  sql: text(MAX_LINT_SQL_CHARS),
  /** A database of the server; when given, the response carries each touched table's blast radius. */
  db: DatabaseName.optional(),
  /** The migration tool wraps the file in a transaction (Rails, Django, Flyway, sqlx …). */
  assumeInTransaction: z.boolean().optional(),
});
export type LintRequest = z.infer<typeof LintRequest>;

export const BlastSession = z.object({
  pid: z.number().int(),
  user: z.string().nullable(),
  applicationName: z.string().nullable(),
  state: z.string().nullable(),
  /** pg_locks.mode, e.g. "AccessShareLock". */
  mode: z.string(),
  granted: z.boolean(),
  /** Seconds since the session's current (or last) query started. */
  queryAgeSeconds: z.number().nullable(),
  /** Seconds since its transaction started; a long one holds its locks that long. */
  xactAgeSeconds: z.number().nullable(),
  query: z.string().nullable(),
});
export type BlastSession = z.infer<typeof BlastSession>;

export const BlastRadiusEntry = z.object({
  /** The name as the migration wrote it. */
  table: TableRef,
  /** Strongest lock the migration takes on it. */
  lock: LockLevel,
  found: z.boolean(),
  /** Where the name resolved to (search_path for unqualified names). */
  resolvedSchema: z.string().nullable(),
  relkind: z.string().nullable(),
  /** pg_class.reltuples; null when the table was never analyzed. */
  estimatedRows: z.number().nullable(),
  totalBytes: z.number().nullable(),
  /** false: taken from relpages because another session holds or awaits ACCESS EXCLUSIVE on it. */
  sizeExact: z.boolean(),
  sessions: z.array(BlastSession),
});
export type BlastRadiusEntry = z.infer<typeof BlastRadiusEntry>;

export const LintResponse = LintResult.extend({
  database: z.string().nullable(),
  blastRadius: z.array(BlastRadiusEntry).nullable(),
  lintedAt: z.number(),
});
export type LintResponse = z.infer<typeof LintResponse>;
