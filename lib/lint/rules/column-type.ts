import type { ColumnDef } from "libpg-query";
import type { RecipeStep } from "@/lib/schemas/lint";
import { as, baseTypeName, displayName, typmods } from "../ast";
import { expandContractColumn, lockTimeoutStep } from "../recipes";
import { expressionAfter, formatType, ident, literal, qualified } from "../sql";
import { alterCommands, type Rule, type RuleContext } from "./rule";

/**
 * Type changes PostgreSQL makes without a rewrite (binary-coercible, no USING). The linter sees
 * only the new type, so it names the old types for which the change is free.
 */
function freeWhenOldTypeIs(col: ColumnDef, version: number): string | undefined {
  const type = baseTypeName(col.typeName);
  const mods = typmods(col.typeName);
  if (col.typeName?.arrayBounds?.length) return undefined;
  if (type === "text") return "varchar or text";
  if (type === "varchar") return mods.length ? `varchar of at most ${mods[0]} characters` : "text or varchar";
  if (type === "numeric") return mods.length ? `numeric with the same scale (${mods[1] ?? 0}) and at most ${mods[0]} digits` : "numeric";
  if (type === "inet") return "cidr";
  // PostgreSQL 12+: timestamp → timestamptz is free when the session TimeZone is UTC.
  if (type === "timestamptz" && version >= 120000) return "timestamp, and the session's TimeZone is UTC";
  return undefined;
}

/** The USING expression as written, if the subcommand has one. */
function usingText(ctx: RuleContext, col: ColumnDef): string | undefined {
  if (!col.raw_default) return undefined;
  const from = ctx.source.fromByte(col.typeName?.location ?? col.location ?? 0);
  const usingToken = ctx.stmt.tokens().find((t) => t.start >= from && t.text.toLowerCase() === "using");
  return usingToken ? expressionAfter(ctx.stmt, ctx.source.text, usingToken.start) : undefined;
}

const changeColumnType: Rule = {
  id: "change-column-type",
  title: "ALTER COLUMN TYPE rewrites the table and rebuilds its indexes",
  check(ctx) {
    for (const c of alterCommands(ctx, "AT_AlterColumnType")) {
      const col = as(c.cmd.def, "ColumnDef");
      const column = c.cmd.name ?? "";
      if (!col) continue;
      const type = formatType(col.typeName);
      const using = usingText(ctx, col);
      const free = !using && !col.collClause ? freeWhenOldTypeIs(col, ctx.version) : undefined;
      const t = qualified(c.table);
      const newColumn = `${column}_new`;
      const value = (ref: string) =>
        using === undefined
          ? `${ref}::${type}`
          : ref === ident(column)
            ? `(${using})`
            : // Inside the trigger the USING expression sees the row's columns through NEW.
              `(SELECT ${using} FROM (SELECT NEW.*) AS ${ident(c.table.name)})`;
      const expand = expandContractColumn(c.table, column, { column: newColumn, type, value }, ctx.version);
      const steps: RecipeStep[] = free
        ? [
            {
              text: `Check the current type: the change is free when it is ${free}.`,
              sql: `SELECT format_type(atttypid, atttypmod) FROM pg_attribute\n WHERE attrelid = ${literal(t)}::regclass AND attname = ${literal(column)};`,
            },
            lockTimeoutStep("the ALTER"),
            { text: "If it is, run the ALTER as it is (brief ACCESS EXCLUSIVE, no rewrite). Otherwise use expand-contract:" },
            ...expand,
          ]
        : expand;
      ctx.report({
        severity: free ? "warning" : "error",
        message: free
          ? `ALTER COLUMN ${column} TYPE ${type}: free only if the column is ${free} today`
          : `ALTER COLUMN ${column} TYPE ${type} on ${displayName(c.table)} rewrites the table`,
        lock: "ACCESS EXCLUSIVE",
        work: free ? "none" : "rewrite",
        tables: [c.table],
        why: free
          ? "A binary-coercible change (e.g. varchar(n) made longer, varchar → text) only updates the catalog; any other old type means a full rewrite of the table and its indexes under ACCESS EXCLUSIVE."
          : `Changing the type${using ? " with USING" : ""}${col.collClause ? " or the collation" : ""} rewrites every row and rebuilds every index under ACCESS EXCLUSIVE: no reads or writes until it finishes, and clients that read the old type may break.`,
        recipe: { summary: "Expand-contract: new column, dual-write trigger, batched backfill, switch the application, drop the old column.", steps },
        at: col.location,
      });
    }
  },
};

export const columnTypeRules: Rule[] = [changeColumnType];
