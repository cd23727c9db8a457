import type { RecipeStep, TableRef } from "@/lib/schemas/lint";
import { displayName, strings } from "../ast";
import { lockTimeoutStep } from "../recipes";
import { ident, qualified } from "../sql";
import { addedConstraints, alterCommands, type Rule } from "./rule";

/**
 * Making a column NOT NULL without a long ACCESS EXCLUSIVE scan, by server version:
 * 18+: NOT NULL … NOT VALID then VALIDATE; 12–17: a validated CHECK (c IS NOT NULL) lets
 * SET NOT NULL skip its scan; before 12 there is no way around the scan.
 */
export function notNullSteps(version: number, table: TableRef, column: string): RecipeStep[] {
  const t = qualified(table);
  const c = ident(column);
  const name = ident(`${table.name}_${column}_not_null`);
  const validate: RecipeStep = {
    text: "In a separate transaction, validate: a scan under SHARE UPDATE EXCLUSIVE, reads and writes continue.",
    sql: `ALTER TABLE ${t} VALIDATE CONSTRAINT ${name};`,
  };
  if (version >= 180000) {
    return [
      { text: "Add the NOT NULL constraint without checking existing rows (PostgreSQL 18+; new rows are checked at once):", sql: `ALTER TABLE ${t} ADD CONSTRAINT ${name} NOT NULL ${c} NOT VALID;` },
      { text: "Commit." },
      validate,
    ];
  }
  const steps: RecipeStep[] = [
    { text: "Add an equivalent CHECK without checking existing rows:", sql: `ALTER TABLE ${t} ADD CONSTRAINT ${name} CHECK (${c} IS NOT NULL) NOT VALID;` },
    { text: "Commit." },
    validate,
  ];
  if (version >= 120000) {
    steps.push({
      text: "SET NOT NULL now uses the valid CHECK as proof and skips the scan (PostgreSQL 12+); the CHECK is then redundant.",
      sql: `ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL;\nALTER TABLE ${t} DROP CONSTRAINT ${name};`,
    });
  } else {
    steps.push({ text: "Before PostgreSQL 12, SET NOT NULL always scans under ACCESS EXCLUSIVE: keep the validated CHECK as the guarantee, or run SET NOT NULL in a maintenance window." });
  }
  return steps;
}

const setNotNull: Rule = {
  id: "set-not-null",
  title: "SET NOT NULL scans the whole table under ACCESS EXCLUSIVE",
  check(ctx) {
    const columns = [
      ...alterCommands(ctx, "AT_SetNotNull").map((c) => ({ table: c.table, column: c.cmd.name ?? "", at: undefined as number | undefined })),
      // PostgreSQL 18 syntax: ADD CONSTRAINT n NOT NULL col (without NOT VALID).
      ...addedConstraints(ctx)
        .filter((c) => c.con.contype === "CONSTR_NOTNULL" && !c.con.skip_validation)
        .map((c) => ({ table: c.table, column: strings(c.con.keys)[0] ?? "", at: c.con.location })),
    ];
    for (const { table, column, at } of columns) {
      const known = ctx.state.knowledge;
      // Already NOT NULL (a validated constraint): nothing to check. A valid CHECK (c IS NOT NULL)
      // — from this file, the catalog, or asserted for an earlier migration — spares the scan from 12.
      if (known.column(table, column)?.notNull || (ctx.version >= 120000 && known.notNullProof(table, column))) continue;
      ctx.ask({ table });
      ctx.report({
        message: `SET NOT NULL on ${displayName(table)}.${column} scans the table`,
        lock: "ACCESS EXCLUSIVE",
        work: "scan",
        tables: [table],
        why: "PostgreSQL checks every row for NULLs while holding ACCESS EXCLUSIVE: on a large table, minutes in which nothing can read or write it.",
        recipe: {
          summary:
            ctx.version >= 180000
              ? "Add NOT NULL … NOT VALID, then VALIDATE it in a separate transaction."
              : ctx.version >= 120000
                ? "Prove it with a CHECK (… IS NOT NULL) NOT VALID, VALIDATE it separately, then SET NOT NULL without a scan."
                : "Enforce it with a CHECK NOT VALID + VALIDATE; SET NOT NULL itself cannot avoid the scan before PostgreSQL 12.",
          steps: [lockTimeoutStep(), ...notNullSteps(ctx.version, table, column)],
        },
        at,
      });
    }
  },
};

export const notNullRules: Rule[] = [setNotNull];

