import type { Node } from "libpg-query";
import { as, displayName, tableRef } from "../ast";
import type { Token } from "../parse";
import { ident, qualified } from "../sql";
import type { Rule, RuleContext } from "./rule";

/** Token index ranges of the statement's top-level clauses (SET, FROM, WHERE, RETURNING). */
function topLevelKeywords(tokens: Token[]): Map<string, number> {
  const at = new Map<string, number>();
  let depth = 0;
  tokens.forEach((t, i) => {
    if (t.text === "(") depth++;
    else if (t.text === ")") depth--;
    const w = t.text.toLowerCase();
    if (depth === 0 && t.keywordKind > 0 && !at.has(w)) at.set(w, i);
  });
  return at;
}

/** Text of the tokens after keyword `k` up to the first of `stops` (or the end). */
function clauseAfter(ctx: RuleContext, tokens: Token[], at: Map<string, number>, k: string, stops: string[]): string | undefined {
  const from = at.get(k);
  if (from === undefined) return undefined;
  const ends = stops.map((s) => at.get(s)).filter((n): n is number => n !== undefined && n > from);
  const first = tokens[from + 1];
  const last = tokens[(ends.length ? Math.min(...ends) : tokens.length) - 1];
  return first && last && last.end > first.start ? ctx.source.text.slice(first.start, last.end) : undefined;
}

/** Splits "a = 1, b = 'x'" at top-level commas and the first top-level "=" of each item. */
function assignments(tokens: Token[], from: number, to: number, source: string): { column: string; value: string }[] | undefined {
  const out: { column: string; value: string }[] = [];
  let depth = 0;
  let itemStart = from;
  let eq = -1;
  const flush = (end: number) => {
    const col = tokens[itemStart];
    const v0 = tokens[eq + 1];
    const v1 = tokens[end - 1];
    if (eq !== itemStart + 1 || !col || !v0 || !v1) return false;
    out.push({ column: col.text, value: source.slice(v0.start, v1.end) });
    return true;
  };
  for (let i = from; i < to; i++) {
    const t = tokens[i];
    if (!t) break;
    if (t.text === "(") depth++;
    else if (t.text === ")") depth--;
    else if (depth === 0 && t.text === "=" && eq < 0) eq = i;
    else if (depth === 0 && t.text === ",") {
      if (!flush(i)) return undefined;
      itemStart = i + 1;
      eq = -1;
    }
  }
  return flush(to) ? out : undefined;
}

/** A SET value that stays the same across batches: a literal, possibly cast. */
function isConstant(val: Node | undefined): boolean {
  return !!as(val, "A_Const") || !!as(as(val, "TypeCast")?.arg, "A_Const");
}

/**
 * The statement as batches of 5000 rows, each its own transaction. The inner WHERE must stop
 * matching rows once they are done, or the loop never ends: for an UPDATE that sets constants
 * that is "the row does not have the new values yet"; otherwise the author has to say.
 */
function batchSql(ctx: RuleContext): { sql: string; terminates: boolean } {
  const update = as(ctx.stmt.node, "UpdateStmt");
  const table = tableRef(update?.relation ?? as(ctx.stmt.node, "DeleteStmt")?.relation) ?? { name: "t" };
  const tokens = ctx.stmt.tokens();
  const at = topLevelKeywords(tokens);
  const where = clauseAfter(ctx, tokens, at, "where", ["returning"]);
  const t = qualified(table);
  const batch = (pending: string) => ` WHERE ctid = ANY (ARRAY(\n   SELECT ctid FROM ${t} WHERE ${pending} LIMIT 5000 FOR UPDATE SKIP LOCKED));`;
  if (!update) return { sql: `DELETE FROM ${t}\n${batch(where ?? "true")}`, terminates: true };

  const set = clauseAfter(ctx, tokens, at, "set", ["from", "where", "returning"]) ?? "…";
  const setAt = at.get("set");
  const setEnd = ["from", "where", "returning"].map((k) => at.get(k)).filter((n): n is number => n !== undefined && n > (setAt ?? 0));
  const items = setAt === undefined ? undefined : assignments(tokens, setAt + 1, setEnd.length ? Math.min(...setEnd) : tokens.length, ctx.source.text);
  const constant = !update.fromClause?.length && (update.targetList ?? []).every((n) => isConstant(as(n, "ResTarget")?.val));
  if (items && constant && items.length === (update.targetList ?? []).length) {
    const notDone = `(${items.map((i) => i.column).join(", ")}) IS DISTINCT FROM (${items.map((i) => i.value).join(", ")})`;
    return { sql: `UPDATE ${t} SET ${set}\n${batch(where ? `(${where}) AND ${notDone}` : notDone)}`, terminates: true };
  }
  return { sql: `UPDATE ${t} SET ${set}\n${batch(`${where ? `(${where}) AND ` : ""}<row not updated yet>`)}`, terminates: false };
}

/**
 * Migration tools' own history tables (reference, Part A): the tool writes one row per migration,
 * often in the migration's transaction (Alembic ends every file with UPDATE alembic_version …).
 */
const HISTORY_TABLES = new Set([
  "schema_migrations",
  "flyway_schema_history",
  "schema_version",
  "databasechangelog",
  "databasechangeloglock",
  "alembic_version",
  "django_migrations",
  "ar_internal_metadata",
  "_prisma_migrations",
  "knex_migrations",
  "knex_migrations_lock",
  "pgmigrations",
  "SequelizeMeta",
  "SequelizeData",
  "migrations",
  "__drizzle_migrations",
  "goose_db_version",
  "_sqlx_migrations",
  "__diesel_schema_migrations",
  "atlas_schema_revisions",
  "kysely_migration",
  "kysely_migration_lock",
  "mikro_orm_migrations",
  "payload_migrations",
]);

export const backfillInDdlTx: Rule = {
  id: "backfill-in-ddl-tx",
  title: "UPDATE/DELETE of a whole table, or inside the transaction that holds ACCESS EXCLUSIVE",
  check(ctx) {
    const update = as(ctx.stmt.node, "UpdateStmt");
    const del = as(ctx.stmt.node, "DeleteStmt");
    const table = tableRef(update?.relation ?? del?.relation);
    if (!table || ctx.state.isCreated(table) || HISTORY_TABLES.has(table.name)) return;
    const exclusive = ctx.inBlock ? ctx.state.exclusiveLocksIn(ctx.tx) : [];
    const whole = !(update?.whereClause ?? del?.whereClause);
    if (exclusive.length === 0 && !whole) return;
    const verb = update ? "UPDATE" : "DELETE";
    const { sql, terminates } = batchSql(ctx);
    ctx.report({
      message: exclusive.length
        ? `${verb} of ${displayName(table)} in the same transaction as statement ${exclusive[0]?.index} (ACCESS EXCLUSIVE)`
        : `${verb} of every row of ${displayName(table)} in one statement`,
      lock: exclusive.length ? "ACCESS EXCLUSIVE" : "ROW EXCLUSIVE",
      work: update ? "rewrite" : "scan",
      tables: [table],
      why: exclusive.length
        ? "The ACCESS EXCLUSIVE lock taken earlier in this transaction is held until COMMIT, so the table is unreadable and unwritable for as long as the data change runs."
        : `One ${verb} of the whole table is one long transaction: it locks every row it touches until it ends, ${update ? "writes a new version of every row" : "leaves every row dead at once"} (bloat, WAL, replica lag), and cannot be stopped halfway without losing all the work.`,
      recipe: {
        summary: "Commit the DDL first; change the data in small batches, each in its own transaction.",
        steps: [
          ...(exclusive.length ? [{ text: "Move the data change after the COMMIT of the DDL (or to its own migration)." }] : []),
          {
            text: `Batch it: run this repeatedly, each run its own transaction, until it reports ${verb} 0; pause between batches.${terminates ? "" : ` Replace <row not updated yet> with a condition that is false once a row is done (e.g. ${ident("new_col")} IS NULL), or the loop never ends.`}`,
            sql,
          },
        ],
      },
    });
  },
};
