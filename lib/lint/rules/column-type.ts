import type { ColumnDef, Node } from "libpg-query";
import type { RecipeStep, TypeSpec } from "@/lib/schemas/lint";
import { as, displayName, strings } from "../ast";
import { isBuiltinType, typeSpecOf } from "../type-change";
import { typeVerdict } from "./type-verdict";
import { expandContractColumn, lockTimeoutStep } from "../recipes";
import { expressionAfter, formatType, ident, literal, qualified } from "../sql";
import { alterCommands, type Rule, type RuleContext } from "./rule";

/** USING that changes nothing: the column itself, or the column cast to the new type. */
function trivialUsing(expr: Node | undefined, column: string, to: TypeSpec): boolean {
  const cast = as(expr, "TypeCast");
  const ref = as(cast ? cast.arg : expr, "ColumnRef");
  const fields = strings(ref?.fields);
  if (fields.length !== 1 || fields[0] !== column) return false;
  if (!cast) return true;
  const spec = typeSpecOf(cast.typeName);
  return spec.name === to.name && spec.typmod === to.typmod && spec.array === to.array;
}

const COLUMN_FACTS_SQL = (t: string, column: string) =>
  [
    "SELECT format_type(a.atttypid, a.atttypmod) AS type,",
    "       (SELECT count(*) FROM pg_index i WHERE i.indrelid = a.attrelid AND a.attnum = ANY (i.indkey)) AS indexes,",
    "       (SELECT count(*) FROM pg_constraint k WHERE k.conrelid = a.attrelid AND k.contype = 'c' AND a.attnum = ANY (k.conkey)) AS checks",
    `  FROM pg_attribute a WHERE a.attrelid = ${literal(t)}::regclass AND a.attname = ${literal(column)};`,
  ].join("\n");

/** The USING expression as written, if the subcommand has one. */
function usingText(ctx: RuleContext, col: ColumnDef): string | undefined {
  if (!col.raw_default) return undefined;
  const from = ctx.source.fromByte(col.typeName?.location ?? col.location ?? 0);
  const usingToken = ctx.stmt.tokens().find((t) => t.start >= from && t.text.toLowerCase() === "using");
  return usingToken ? expressionAfter(ctx.stmt, ctx.source.text, usingToken.start) : undefined;
}

const changeColumnType: Rule = {
  id: "change-column-type",
  title: "ALTER COLUMN TYPE rewrites the table, rebuilds its indexes or re-checks its CHECKs, depending on the old and new type",
  check(ctx) {
    for (const c of alterCommands(ctx, "AT_AlterColumnType")) {
      const col = as(c.cmd.def, "ColumnDef");
      const column = c.cmd.name ?? "";
      if (!col) continue;
      const type = formatType(col.typeName);
      const to = typeSpecOf(col.typeName);
      const using = usingText(ctx, col);
      const nonTrivialUsing = col.raw_default !== undefined && !trivialUsing(col.raw_default, column, to);
      const known = ctx.state.knowledge.column(c.table, column);
      const verdict = typeVerdict({ to, version: ctx.version, using: nonTrivialUsing, collate: !!col.collClause, utc: ctx.state.timeZoneIsUtc() }, known, ctx.state.knowledge);
      if (verdict.certain && verdict.work === "none") continue;
      // Even a sure rewrite may be a no-op (the same type) or a domain: the catalog can tell.
      if (!verdict.certain || !known?.type) ctx.ask({ table: c.table });
      if (!isBuiltinType(to.name) && to.name !== "citext" && !to.array) ctx.ask({ type: to.name });
      const t = qualified(c.table);
      const value = (ref: string) =>
        !nonTrivialUsing || using === undefined
          ? `${ref}::${type}`
          : ref === ident(column)
            ? `(${using})`
            : // Inside the trigger the USING expression sees the row's columns through NEW.
              `(SELECT ${using} FROM (SELECT NEW.*) AS ${ident(c.table.name)})`;
      const expand = expandContractColumn(c.table, column, { column: `${column}_new`, type, value }, ctx.version);
      const steps: RecipeStep[] = verdict.certain
        ? expand
        : [
            { text: `Check the column: the change is free when ${verdict.conditions.join(", and ")}.`, sql: COLUMN_FACTS_SQL(t, column) },
            lockTimeoutStep("the ALTER"),
            { text: "If it is, run the ALTER as it is (brief ACCESS EXCLUSIVE, no rewrite). Otherwise use expand-contract:" },
            ...expand,
          ];
      const where = `ALTER COLUMN ${column} TYPE ${type} on ${displayName(c.table)}`;
      ctx.report({
        ...(verdict.certain ? {} : { severity: "warning" as const }),
        message: verdict.certain
          ? `${where} ${verdict.work === "rewrite" ? "rewrites the table" : verdict.work === "build" ? "rebuilds indexes" : "scans the table"}`
          : `${where}: free only if ${verdict.conditions.join(", and ")}`,
        lock: "ACCESS EXCLUSIVE",
        work: verdict.certain ? verdict.work : "none",
        tables: [c.table],
        why: verdict.certain
          ? `${verdict.why[0]?.toUpperCase()}${verdict.why.slice(1)}: ${verdict.work === "rewrite" ? "every row and every index is rewritten" : verdict.work === "build" ? "each index is built again" : "every row is read"} under ACCESS EXCLUSIVE, so nothing can read or write ${displayName(c.table)} until it finishes${verdict.work === "rewrite" ? ", and clients that read the old type may break" : ""}.`
          : `The linter does not know ${known?.type ? "everything it needs about the column" : "the column's current type"}. A binary-compatible change (varchar made longer or turned into text, numeric given more precision, a precision raised to 6 …) only updates the catalog${verdict.rewriteOtherwise ? "; from any other type PostgreSQL rewrites the table and its indexes under ACCESS EXCLUSIVE" : ""}.`,
        recipe: { summary: "Expand-contract: new column, dual-write trigger, batched backfill, switch the application, drop the old column.", steps },
        at: col.location,
      });
    }
  },
};

export const columnTypeRules: Rule[] = [changeColumnType];
