import { z } from "./zod";
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

/** A column type: pg_type.typname ("varchar", "int4", "timestamptz", "citext") and atttypmod (-1: none). */
export const TypeSpec = z.object({ name: z.string(), typmod: z.number().int(), array: z.boolean() });
export type TypeSpec = z.infer<typeof TypeSpec>;

/**
 * Facts about the database that earlier migrations created and the file cannot show: read from
 * the catalog when the linter runs for a server, or asserted by the user (--assume-validated-check,
 * an inline note). Plain data: it crosses the worker boundary with the SQL.
 */
export const LintFacts = z.object({
  /** Existing columns of the tables the file asked about. */
  columns: z
    .array(
      z.object({
        table: TableRef,
        column: z.string(),
        type: TypeSpec,
        /** A validated NOT NULL (on 18, a NOT VALID not-null constraint does not count). */
        notNull: z.boolean(),
        /** Indexes that use the column (key, INCLUDE, expression or predicate). */
        indexes: z.number().int().min(0),
        /** CHECK constraints that use the column. */
        checks: z.number().int().min(0),
        /** A generated column's kind (pg_attribute.attgenerated). */
        generated: z.enum(["stored", "virtual", "none"]).optional(),
      }),
    )
    .optional(),
  /** Validated CHECK constraints. */
  checks: z
    .array(
      z.object({
        table: TableRef,
        name: z.string(),
        columns: z.array(z.string()),
        /** Set when the CHECK is exactly `column IS NOT NULL` (or, when assumed, proves it). */
        notNullOf: z.string().optional(),
        source: z.enum(["catalog", "assumed"]),
      }),
    )
    .optional(),
  /** Partition key columns of partitioned tables (expressions left out). */
  partitionKeys: z.array(z.object({ table: TableRef, columns: z.array(z.string()) })).optional(),
  /** User-defined types the file names. */
  types: z.array(z.object({ name: z.string(), kind: z.enum(["domain", "enum", "other"]), base: TypeSpec.optional(), hasChecks: z.boolean() })).optional(),
});
export type LintFacts = z.infer<typeof LintFacts>;

/** What the linter would like the catalog to tell it (the route answers with LintFacts). */
export const CatalogQuestions = z.object({ tables: z.array(TableRef), types: z.array(z.string()) });
export type CatalogQuestions = z.infer<typeof CatalogQuestions>;

export const RecipeStep = z.object({ text: z.string(), sql: z.string().optional() });
export type RecipeStep = z.infer<typeof RecipeStep>;

export const Recipe = z.object({ summary: z.string(), steps: z.array(RecipeStep) });
export type Recipe = z.infer<typeof Recipe>;

export const Finding = z.object({
  /** e.g. "index-not-concurrent"; "parse-error" for SQL the parser rejects. */
  rule: z.string(),
  severity: Severity,
  /** 1-based position of the statement in the file; 0 for a note about the file as a whole. */
  statement: z.number().int().min(0),
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

/** A finding silenced by `-- pgwarden-lint-ignore RULE: reason` on its statement. */
export const IgnoredFinding = Finding.extend({ ignore: z.object({ reason: z.string().min(1), line: z.number().int().min(1) }) });
export type IgnoredFinding = z.infer<typeof IgnoredFinding>;

/** A table the migration locks, with the strongest lock it takes on it. */
export const TouchedTable = TableRef.extend({ lock: LockLevel });
export type TouchedTable = z.infer<typeof TouchedTable>;

export const LintResult = z.object({
  findings: z.array(Finding),
  statementCount: z.number().int().min(0),
  serverVersionNum: z.number().int(),
  /** Existing tables the file locks (tables it creates itself are left out). */
  tables: z.array(TouchedTable),
  /** Findings silenced by an inline ignore, with its reason (not counted as findings). */
  ignored: z.array(IgnoredFinding),
  /** Tables and types whose catalog facts could settle findings (validated CHECKs, old column types). */
  catalogQuestions: CatalogQuestions,
});
export type LintResult = z.infer<typeof LintResult>;

/** pgwarden-lint.json: settings for the CLI (command-line flags win over it). */
export const LintConfig = z
  .object({
    $schema: z.string().optional(),
    /** The server version the migrations run on: 14, "14.2" or 140002. */
    pgVersion: z.union([z.number().int(), z.string()]).optional(),
    /** The migration tool wraps each file in a transaction (Rails, Django, Flyway, sqlx …). */
    assumeInTransaction: z.boolean().optional(),
    /** Rule id → severity, or "off". */
    rules: z.record(z.string(), z.enum(["error", "warning", "info", "off"])).optional(),
    /** Leave out findings below this severity. */
    minSeverity: Severity.optional(),
    /** Validated CHECKs earlier migrations created: "TABLE.COLUMN" or "SCHEMA.TABLE.COLUMN". */
    assumeValidatedChecks: z.array(z.string()).optional(),
  })
  .strict();
export type LintConfig = z.infer<typeof LintConfig>;

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
  /** What the catalog of `database` told the linter (null: no database, or nothing relevant). */
  catalogFacts: LintFacts.nullable(),
  lintedAt: z.number(),
});
export type LintResponse = z.infer<typeof LintResponse>;
