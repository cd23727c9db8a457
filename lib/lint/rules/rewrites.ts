// Statements that copy a whole table (and its indexes) while holding ACCESS EXCLUSIVE on it.
import type { RecipeStep, TableRef } from "@/lib/schemas/lint";
import { as, displayName, tableRef } from "../ast";
import { optionOn } from "../options";
import { alterCommands, type Rule, type RuleContext } from "./rule";

interface Rewrite {
  what: string;
  tables: TableRef[];
  steps: RecipeStep[];
  /** The rewrite happens only under this condition, which the linter cannot see. */
  maybe?: string;
}

function rewrites(ctx: RuleContext): Rewrite[] {
  const node = ctx.stmt.node;
  const out: Rewrite[] = [];
  const repack: RecipeStep[] = [
    { text: "Use pg_repack (or pg_squeeze): it rebuilds the table online and takes ACCESS EXCLUSIVE only for a moment at the end." },
    { text: "If the goal is space: plain VACUUM (no lock on reads/writes) makes the space reusable; check the bloat first." },
  ];
  const vacuum = as(node, "VacuumStmt");
  if (vacuum && optionOn(vacuum.options, "full")) {
    const tables = (vacuum.rels ?? []).flatMap((r) => {
      const t = tableRef(as(r, "VacuumRelation")?.relation);
      return t && !ctx.state.isCreated(t) ? [t] : [];
    });
    if (tables.length || !vacuum.rels?.length) out.push({ what: tables.length ? `VACUUM FULL ${tables.map(displayName).join(", ")}` : "VACUUM FULL of every table in the database", tables, steps: repack });
  }
  const cluster = as(node, "ClusterStmt");
  const clustered = tableRef(cluster?.relation);
  if (cluster && !(clustered && ctx.state.isCreated(clustered))) {
    out.push({ what: clustered ? `CLUSTER ${displayName(clustered)}` : "CLUSTER of every clustered table", tables: clustered ? [clustered] : [], steps: repack });
  }
  const labels: Record<string, string> = {
    AT_SetTableSpace: "SET TABLESPACE",
    AT_SetLogged: "SET LOGGED",
    AT_SetUnLogged: "SET UNLOGGED",
    AT_SetAccessMethod: "SET ACCESS METHOD",
  };
  for (const { table, cmd } of alterCommands(ctx)) {
    const label = labels[cmd.subtype ?? ""];
    if (!label) continue;
    out.push({
      what: `ALTER TABLE ${displayName(table)} ${label}`,
      tables: [table],
      steps:
        cmd.subtype === "AT_SetTableSpace"
          ? [{ text: "pg_repack --tablespace moves a table online, with only a brief ACCESS EXCLUSIVE at the end." }]
          : [{ text: "Create a new table with the wanted property, copy rows in batches while a trigger mirrors writes, then swap the names in one short transaction (or use a maintenance window)." }],
    });
  }
  const moveAll = as(node, "AlterTableMoveAllStmt");
  if (moveAll) {
    out.push({
      what: `ALTER ${moveAll.objtype === "OBJECT_INDEX" ? "INDEX" : moveAll.objtype === "OBJECT_MATVIEW" ? "MATERIALIZED VIEW" : "TABLE"} ALL IN TABLESPACE ${moveAll.orig_tablespacename ?? ""} SET TABLESPACE ${moveAll.new_tablespacename ?? ""}`,
      tables: [],
      steps: [
        { text: "Move one table at a time with pg_repack --tablespace (online, a brief ACCESS EXCLUSIVE at the end), largest last." },
        { text: "ALL IN TABLESPACE locks every relation it moves ACCESS EXCLUSIVE one after the other and holds each lock until the transaction ends." },
      ],
    });
  }
  for (const { table, cmd } of alterCommands(ctx, "AT_SetExpression")) {
    const generated = ctx.state.knowledge.column(table, cmd.name ?? "")?.generated;
    if (generated === "virtual" || ctx.version < 170000) continue; // before 17 see setExpressionVersion
    if (!generated && ctx.version >= 180000) ctx.ask({ table });
    out.push({
      what: `ALTER TABLE ${displayName(table)} ALTER COLUMN ${cmd.name} SET EXPRESSION`,
      tables: [table],
      ...(generated === undefined && ctx.version >= 180000 ? { maybe: "if the column is STORED (VIRTUAL is the default on PostgreSQL 18, and is not rewritten)" } : {}),
      steps: [
        { text: "PostgreSQL 18: a VIRTUAL generated column computes on read, so changing its expression is instant; prefer it where the expression is cheap." },
        { text: "Otherwise add a new generated column (or a plain column filled by trigger and batched backfill), switch readers, then drop the old one." },
      ],
    });
  }
  return out;
}

const tableRewrite: Rule = {
  id: "table-rewrite",
  title: "VACUUM FULL, CLUSTER, SET TABLESPACE/LOGGED/UNLOGGED/ACCESS METHOD/EXPRESSION, ALL IN TABLESPACE rewrite under ACCESS EXCLUSIVE",
  check(ctx) {
    for (const r of rewrites(ctx)) {
      ctx.report({
        ...(r.maybe ? { severity: "warning" as const } : {}),
        message: `${r.what} rewrites the table${r.maybe ? ` ${r.maybe}` : ""}`,
        lock: "ACCESS EXCLUSIVE",
        work: "rewrite",
        tables: r.tables,
        why: "The table and its indexes are copied in full while ACCESS EXCLUSIVE is held: no reads or writes until it finishes, and it needs free disk space for a second copy.",
        recipe: { summary: "Rebuild online with pg_repack/pg_squeeze, or copy into a new table and swap.", steps: r.steps },
      });
    }
  },
};

export const rewriteRules: Rule[] = [tableRewrite];
