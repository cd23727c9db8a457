import type { ColumnDef, Constraint } from "libpg-query";
import type { RecipeStep, TableRef } from "@/lib/schemas/lint";
import { as, baseTypeName, displayName } from "../ast";
import { backfillStep, lockTimeoutStep } from "../recipes";
import { expressionAfter, formatType, ident, qualified } from "../sql";
import { isBuiltinType, typeSpecOf } from "../type-change";
import { defaultVolatility, isNullConstant } from "../volatility";
import { addedColumns, alterCommands, nextConstraintStart, type AddedColumn, type Rule, type RuleContext } from "./rule";
import { notNullSteps } from "./not-null";

const SERIAL_TYPES = new Set(["serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"]);

function defaultOf(constraints: Constraint[]): Constraint | undefined {
  return constraints.find((c) => c.contype === "CONSTR_DEFAULT" && !isNullConstant(c.raw_expr));
}

/** The DEFAULT expression as written: from after DEFAULT up to the column's next constraint. */
export function defaultText(ctx: RuleContext, col: ColumnDef, def: Constraint): string {
  const from = ctx.source.fromByte(def.location ?? 0);
  return expressionAfter(ctx.stmt, ctx.source.text, from, nextConstraintStart(ctx, col, def)) ?? "<default expression>";
}

/** ADD COLUMN without a default, then SET DEFAULT (future rows only), backfill, and NOT NULL if wanted. */
function addThenBackfill(ctx: RuleContext, c: AddedColumn, valueSql: string, notNull: boolean): RecipeStep[] {
  const t = qualified(c.table);
  const col = ident(c.col.colname ?? "");
  return [
    lockTimeoutStep(),
    { text: "Add the column without a default: a catalog change, no rewrite.", sql: `ALTER TABLE ${t} ADD COLUMN ${col} ${formatType(c.col.typeName)};` },
    { text: "Give new rows the default (SET DEFAULT does not touch existing rows):", sql: `ALTER TABLE ${t} ALTER COLUMN ${col} SET DEFAULT ${valueSql};` },
    backfillStep(c.table, c.col.colname ?? "", valueSql),
    ...(notNull ? notNullSteps(ctx.version, c.table, c.col.colname ?? "") : []),
  ];
}

const addColumnVolatileDefault: Rule = {
  id: "add-column-volatile-default",
  title: "ADD COLUMN with a volatile default (any default before PostgreSQL 11) rewrites the table",
  check(ctx) {
    for (const c of addedColumns(ctx)) {
      const def = defaultOf(c.constraints);
      if (!def) continue;
      const { volatility, functions } = defaultVolatility(def.raw_expr);
      const before11 = ctx.version < 110000;
      if (!before11 && volatility === "non-volatile") continue;
      const text = defaultText(ctx, c.col, def);
      const notNull = c.constraints.some((k) => k.contype === "CONSTR_NOTNULL");
      ctx.report({
        ...(before11 || volatility === "volatile" ? {} : { severity: "warning" as const }),
        message: before11
          ? `ADD COLUMN ${c.col.colname} with a default rewrites ${displayName(c.table)} before PostgreSQL 11`
          : volatility === "volatile"
            ? `ADD COLUMN ${c.col.colname} DEFAULT ${functions.join(", ")}() rewrites ${displayName(c.table)}`
            : `ADD COLUMN ${c.col.colname} DEFAULT calls ${functions.join(", ")}: a rewrite if volatile`,
        lock: "ACCESS EXCLUSIVE",
        work: "rewrite",
        tables: [c.table],
        why: before11
          ? "Before PostgreSQL 11 a column added with a default is written into every row: the table and all its indexes are rewritten under ACCESS EXCLUSIVE, blocking reads and writes for the whole time."
          : volatility === "volatile"
            ? "A volatile default has a different value per row, so PostgreSQL writes it into every row: the table and its indexes are rewritten under ACCESS EXCLUSIVE, blocking reads and writes throughout."
            : `The linter does not know the volatility of ${functions.join(", ")}. If it is volatile (pg_proc.provolatile = 'v') the table is rewritten under ACCESS EXCLUSIVE; stable and immutable defaults are stored once and cost nothing.`,
        recipe: { summary: "Add the column without a default, set the default for new rows, and backfill existing rows in batches.", steps: addThenBackfill(ctx, c, text, notNull) },
        at: c.col.location,
      });
    }
  },
};

const addColumnRewritingKind: Rule = {
  id: "add-column-rewriting-kind",
  title: "ADD COLUMN of a serial, identity, stored generated or constrained domain column rewrites the table",
  check(ctx) {
    for (const c of addedColumns(ctx)) {
      const type = baseTypeName(c.col.typeName);
      const identity = c.constraints.some((k) => k.contype === "CONSTR_IDENTITY");
      const stored = c.constraints.some((k) => k.contype === "CONSTR_GENERATED" && k.generated_kind === "s");
      const serial = SERIAL_TYPES.has(type);
      // A user type may be a domain with a CHECK (a rewrite): the catalog can tell, by the name as written.
      const written = typeSpecOf(c.col.typeName).name;
      const domain = ctx.state.isDomainWithChecks(written) || ctx.state.isDomainWithChecks(type);
      if (!isBuiltinType(written) && !ctx.state.knowledge.type(written) && !ctx.state.knowledge.type(type)) ctx.ask({ type: written });
      if (!identity && !stored && !serial && !domain) continue;
      const kind = serial ? `${type} column` : identity ? "identity column" : stored ? "GENERATED … STORED column" : `column of domain ${type} (with a CHECK)`;
      const t = qualified(c.table);
      const col = ident(c.col.colname ?? "");
      // In the table's schema, like the sequence a serial column would have got.
      const seq = c.table.schema ? `${ident(c.table.schema)}.${ident(`${c.table.name}_${c.col.colname}_seq`)}` : ident(`${c.table.name}_${c.col.colname}_seq`);
      const steps: RecipeStep[] =
        serial || identity
          ? [
              lockTimeoutStep(),
              { text: "Add a plain nullable column and a sequence for it:", sql: `ALTER TABLE ${t} ADD COLUMN ${col} bigint;\nCREATE SEQUENCE ${seq} OWNED BY ${t}.${col};` },
              { text: "New rows get numbers from now on (SET DEFAULT does not rewrite):", sql: `ALTER TABLE ${t} ALTER COLUMN ${col} SET DEFAULT nextval('${seq}');` },
              backfillStep(c.table, c.col.colname ?? "", `nextval('${seq}')`),
              ...notNullSteps(ctx.version, c.table, c.col.colname ?? ""),
            ]
          : stored
            ? [
                ...(ctx.version >= 180000
                  ? [{ text: "PostgreSQL 18: a VIRTUAL generated column (the default kind there) is computed on read and never rewrites; use it if the expression is cheap." }]
                  : []),
                lockTimeoutStep(),
                { text: "Or add a plain nullable column, fill it for new rows with a BEFORE INSERT OR UPDATE trigger computing the expression, backfill old rows in batches." },
              ]
            : [
                lockTimeoutStep(),
                { text: `Add the column with the domain's base type, then add the domain's CHECK as a table constraint NOT VALID, VALIDATE it in another transaction, and only then switch the type.` },
              ];
      ctx.report({
        message: `ADD COLUMN ${c.col.colname}: ${kind} rewrites ${displayName(c.table)}`,
        lock: "ACCESS EXCLUSIVE",
        work: "rewrite",
        tables: [c.table],
        why: `Adding a ${kind} computes a value for every existing row, so the table and all its indexes are rewritten under ACCESS EXCLUSIVE: no reads or writes until it finishes.`,
        recipe: { summary: "Add a plain nullable column, fill new rows by default or trigger, backfill old rows in batches.", steps },
        at: c.col.location,
      });
    }
  },
};

const addColumnRequired: Rule = {
  id: "add-column-required",
  title: "ADD COLUMN … NOT NULL without a default",
  check(ctx) {
    for (const c of addedColumns(ctx)) {
      const k = c.constraints.map((x) => x.contype);
      const supplied = defaultOf(c.constraints) || k.includes("CONSTR_IDENTITY") || k.includes("CONSTR_GENERATED") || SERIAL_TYPES.has(baseTypeName(c.col.typeName));
      if (!k.includes("CONSTR_NOTNULL") || supplied || k.includes("CONSTR_PRIMARY")) continue;
      const t = qualified(c.table);
      const col = ident(c.col.colname ?? "");
      const type = formatType(c.col.typeName);
      ctx.report({
        message: `ADD COLUMN ${c.col.colname} NOT NULL without a default on ${displayName(c.table)}`,
        lock: "ACCESS EXCLUSIVE",
        work: "none",
        tables: [c.table],
        why: "Existing rows would get NULL in a NOT NULL column, so the statement fails as soon as the table has a row (\"column contains null values\"). Where it succeeds, application code still running the previous version inserts rows without the column and starts failing.",
        recipe: {
          summary: ctx.version >= 110000 ? "Add it nullable (or with a constant default, instant since PostgreSQL 11), backfill, then enforce NOT NULL safely." : "Add it nullable, backfill, then enforce NOT NULL safely.",
          steps: [
            lockTimeoutStep(),
            { text: "Add the column nullable:", sql: `ALTER TABLE ${t} ADD COLUMN ${col} ${type};` },
            ...(ctx.version >= 110000 ? [{ text: "Or, if one constant fits old rows, add it with that default: stored once, no rewrite (PostgreSQL 11+).", sql: `ALTER TABLE ${t} ADD COLUMN ${col} ${type} NOT NULL DEFAULT <constant>;` }] : []),
            { text: "Deploy code that writes the column, then backfill old rows in batches." },
            ...notNullSteps(ctx.version, c.table, c.col.colname ?? ""),
          ],
        },
        at: c.col.location,
      });
    }
  },
};

const virtualGeneratedColumn: Rule = {
  id: "virtual-generated-column",
  title: "VIRTUAL generated columns need PostgreSQL 18",
  check(ctx) {
    if (ctx.version >= 180000) return;
    const create = as(ctx.stmt.node, "CreateStmt");
    const cols = [
      ...(create?.tableElts ?? []).flatMap((n) => {
        const col = as(n, "ColumnDef");
        return col ? [{ col, table: create?.relation?.relname }] : [];
      }),
      ...addedColumns(ctx).map((c) => ({ col: c.col, table: c.table.name })),
    ];
    for (const { col, table } of cols) {
      const gen = (col.constraints ?? []).map((n) => as(n, "Constraint")).find((k) => k?.contype === "CONSTR_GENERATED");
      if (gen?.generated_kind !== "v") continue;
      ctx.report({
        message: `Generated column ${col.colname} is VIRTUAL (no STORED), which this server does not support`,
        lock: null,
        work: "none",
        tables: table ? [{ name: table }] : [],
        why: "Before PostgreSQL 18 only STORED generated columns exist: GENERATED ALWAYS AS (…) without STORED is a syntax error there, and the migration fails.",
        recipe: { summary: "Write STORED explicitly (which rewrites an existing table), or wait for PostgreSQL 18.", steps: [{ text: "GENERATED ALWAYS AS (…) STORED — on an existing table see add-column-rewriting-kind for the no-rewrite alternative." }] },
        at: col.location,
      });
    }
  },
};

function dropRecipe(table: TableRef, column: string, cascade: boolean): RecipeStep[] {
  return [
    { text: "First stop using the column: remove it from the code and ORM model (Rails `self.ignored_columns += [\"" + column + "\"]`, Django/Prisma/TypeORM: drop the field in an earlier release) and deploy." },
    lockTimeoutStep(),
    { text: cascade ? "Then drop it (CASCADE also drops views, indexes and constraints that use it: list them first)." : "Then drop it; the column is only hidden, its space is reclaimed as rows are rewritten.", sql: `ALTER TABLE ${qualified(table)} DROP COLUMN ${ident(column)};` },
  ];
}

const dropColumn: Rule = {
  id: "drop-column",
  title: "DROP COLUMN breaks clients that still use it",
  check(ctx) {
    for (const c of alterCommands(ctx, "AT_DropColumn")) {
      ctx.report({
        message: `DROP COLUMN ${c.cmd.name} on ${displayName(c.table)}`,
        lock: "ACCESS EXCLUSIVE",
        work: "none",
        tables: [c.table],
        why: "Application instances still running the previous release select, insert or update the column and fail the moment it is gone (and ORMs that cache the column list fail even on SELECT *). The lock is brief but must wait for running queries, and everything queues behind it.",
        recipe: { summary: "Stop using the column in code, deploy, then drop it with a short lock_timeout.", steps: dropRecipe(c.table, c.cmd.name ?? "", c.cmd.behavior === "DROP_CASCADE") },
      });
    }
  },
};

const dropNotNull: Rule = {
  id: "drop-not-null",
  title: "DROP NOT NULL lets NULLs reach code that does not expect them",
  check(ctx) {
    for (const c of alterCommands(ctx, "AT_DropNotNull")) {
      ctx.report({
        message: `DROP NOT NULL on ${displayName(c.table)}.${c.cmd.name}`,
        lock: "ACCESS EXCLUSIVE",
        work: "none",
        tables: [c.table],
        why: "Readers (the application, reports, ETL, replicas' consumers) were written for a column that is never NULL; once NULLs arrive they fail or silently miscount. The change is instant but cannot be undone safely once NULLs exist.",
        recipe: { summary: "Make every reader handle NULL first, or keep the constraint and store a sentinel value.", steps: [{ text: "Roll out readers that handle NULL, then drop the constraint with a short lock_timeout." }, lockTimeoutStep()] },
      });
    }
  },
};

export const columnRules: Rule[] = [addColumnVolatileDefault, addColumnRewritingKind, addColumnRequired, virtualGeneratedColumn, dropColumn, dropNotNull];
