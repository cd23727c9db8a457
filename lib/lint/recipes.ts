// Safe recipes shared by several rules, written as concrete SQL for the statement's own names.
import type { RecipeStep, TableRef } from "@/lib/schemas/lint";
import { ident, literal, LOCAL_LOCK_TIMEOUT_SQL, LOCK_TIMEOUT_SQL, qualified } from "./sql";

export const NO_TRANSACTION_MODE =
  "its own migration file run outside a transaction (sqlx `-- no-transaction`, Rails `disable_ddl_transaction!`, Knex `config = { transaction: false }`, Django `atomic = False`, Flyway `executeInTransaction=false`)";

export function lockTimeoutStep(what = "the DDL"): RecipeStep {
  return {
    text: `Before ${what}: give up after 2 s instead of queueing behind a long transaction (and every query queued behind you); retry later on SQLSTATE 55P03.`,
    sql: LOCK_TIMEOUT_SQL,
  };
}

/** A batched backfill that never holds many row locks or one long transaction. */
export function backfillStep(table: TableRef, column: string, valueSql: string, pendingSql?: string): RecipeStep {
  const t = qualified(table);
  const c = ident(column);
  const pending = pendingSql ?? `${c} IS NULL`;
  return {
    text: `Backfill in batches, each in its own transaction: repeat until it reports UPDATE 0 (pause between batches to let replicas and autovacuum keep up).`,
    sql: [
      `UPDATE ${t} SET ${c} = ${valueSql}`,
      ` WHERE ctid = ANY (ARRAY(`,
      `   SELECT ctid FROM ${t} WHERE ${pending} LIMIT 5000 FOR UPDATE SKIP LOCKED));`,
    ].join("\n"),
  };
}

/** ADD … NOT VALID (instant, brief lock), then VALIDATE in its own transaction (scan without blocking writes). */
export function notValidThenValidate(table: TableRef, addSql: string, name: string): RecipeStep[] {
  return [
    lockTimeoutStep(),
    { text: "Add the constraint without checking existing rows (new rows are checked from now on):", sql: addSql },
    { text: "Commit, so the ACCESS EXCLUSIVE lock is released before the long part." },
    {
      text: "Validate in a separate transaction: it scans the table under SHARE UPDATE EXCLUSIVE, which lets reads and writes continue.",
      sql: `ALTER TABLE ${qualified(table)} VALIDATE CONSTRAINT ${ident(name)};`,
    },
  ];
}

/** CREATE INDEX CONCURRENTLY with the two things that bite: transactions and INVALID leftovers. */
export function concurrentIndexSteps(createSql: string, indexName: string | undefined, schema?: string): RecipeStep[] {
  const regclass = indexName ? literal(schema ? `${ident(schema)}.${ident(indexName)}` : ident(indexName)) : "'<index name>'";
  return [
    { text: `Build the index without blocking writes, in ${NO_TRANSACTION_MODE}:`, sql: createSql },
    {
      text: "Check the result: a failed or cancelled concurrent build leaves an INVALID index that slows writes and is never used.",
      sql: `SELECT indisvalid FROM pg_index WHERE indexrelid = ${regclass}::regclass;`,
    },
    {
      text: "If it is false (a failed or cancelled build leaves an INVALID index, which IF NOT EXISTS then keeps), drop it and build again.",
      sql: indexName ? `DROP INDEX CONCURRENTLY IF EXISTS ${schema ? `${ident(schema)}.` : ""}${ident(indexName)};` : undefined,
    },
    {
      text: "On a partitioned table CONCURRENTLY is refused: create the index ON ONLY the parent, build each partition's index CONCURRENTLY, then ALTER INDEX … ATTACH PARTITION each one.",
    },
  ];
}

/**
 * Expand-contract for a column whose type or name must change: add the new column, keep both
 * in sync with a trigger, backfill, switch the application, then drop the old one.
 */
export function expandContractColumn(
  table: TableRef,
  column: string,
  target: { column: string; type: string; value: (columnRef: string) => string },
  version: number,
): RecipeStep[] {
  const t = qualified(table);
  const fn = ident(`${table.name}_${target.column}_sync`);
  const fnQualified = table.schema ? `${ident(table.schema)}.${fn}` : fn;
  const execute = version >= 110000 ? "EXECUTE FUNCTION" : "EXECUTE PROCEDURE";
  return [
    lockTimeoutStep(),
    { text: "Expand: add the new column (nullable, no default: instant).", sql: `ALTER TABLE ${t} ADD COLUMN ${ident(target.column)} ${target.type};` },
    {
      text: "Keep it in sync for rows written by the current application version:",
      sql: [
        `CREATE FUNCTION ${fnQualified}() RETURNS trigger LANGUAGE plpgsql AS $$`,
        `BEGIN`,
        `  NEW.${ident(target.column)} := ${target.value(`NEW.${ident(column)}`)};`,
        `  RETURN NEW;`,
        `END $$;`,
        `CREATE TRIGGER ${fn} BEFORE INSERT OR UPDATE ON ${t}`,
        `  FOR EACH ROW ${execute} ${fnQualified}();`,
      ].join("\n"),
    },
    backfillStep(
      table,
      target.column,
      target.value(ident(column)),
      `${ident(target.column)} IS NULL AND ${ident(column)} IS NOT NULL`,
    ),
    {
      text: "If the column must be NOT NULL: add CHECK (… IS NOT NULL) NOT VALID, VALIDATE it in another transaction, then SET NOT NULL (see set-not-null).",
    },
    { text: `Deploy application code that reads and writes ${target.column}; keep the old column unused for one release.` },
    {
      text: "Contract: drop the trigger and the old column in one short transaction.",
      sql: [
        `BEGIN;`,
        LOCAL_LOCK_TIMEOUT_SQL,
        `DROP TRIGGER ${fn} ON ${t};`,
        `DROP FUNCTION ${fnQualified}();`,
        `ALTER TABLE ${t} DROP COLUMN ${ident(column)};`,
        `COMMIT;`,
      ].join("\n"),
    },
    { text: `If the old name must come back, rename ${target.column} in a later release: a rename is itself a breaking change (see rule rename).` },
  ];
}
