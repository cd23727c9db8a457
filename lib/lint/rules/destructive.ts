import type { RecipeStep, TableRef } from "@/lib/schemas/lint";
import { as, displayName, refFromNames, strings, tableRef } from "../ast";
import { lockTimeoutStep } from "../recipes";
import { ident, LOCAL_LOCK_TIMEOUT_SQL, literal, qualified } from "../sql";
import { sameTable } from "../knowledge";
import type { Rule, RuleContext } from "./rule";

const RENAMED_RELATIONS: Record<string, string> = {
  OBJECT_TABLE: "table",
  OBJECT_VIEW: "view",
  OBJECT_MATVIEW: "materialized view",
  OBJECT_COLUMN: "column",
};

function renameSteps(kind: string, from: TableRef, newName: string, column?: string): RecipeStep[] {
  if (kind === "table") {
    const to: TableRef = from.schema ? { schema: from.schema, name: newName } : { name: newName };
    return [
      {
        text: "Rename and leave a view under the old name in the same transaction: simple views are updatable, so code still using the old name keeps reading and writing.",
        sql: [`BEGIN;`, LOCAL_LOCK_TIMEOUT_SQL, `ALTER TABLE ${qualified(from)} RENAME TO ${ident(newName)};`, `CREATE VIEW ${qualified(from)} AS SELECT * FROM ${qualified(to)};`, `COMMIT;`].join("\n"),
      },
      { text: "Deploy code that uses the new name everywhere, then drop the view.", sql: `DROP VIEW ${qualified(from)};` },
    ];
  }
  if (kind === "column") {
    return [
      { text: `Cheapest: keep the column name and rename only in the ORM mapping (Django db_column=${literal(column ?? "")}, Rails alias_attribute, JPA @Column(name = …)).` },
      {
        text: `Or expand-contract: add ${newName}, keep both columns in sync with a trigger, backfill in batches, switch reads and writes to ${newName}, then drop ${column} (as pgroll and Reshape do behind versioned views).`,
      },
    ];
  }
  return [
    { text: `Ship code that works with both names first (or reads the name from configuration), rename with a short lock_timeout, then remove the old name from the code.` },
    lockTimeoutStep("the rename"),
  ];
}

/** The recipe itself: in the same transaction, a view under the old name keeps old code working. */
function viewKeepsOldName(ctx: RuleContext, old: TableRef): boolean {
  if (!ctx.inBlock) return false;
  return ctx.tx.statements.some((s) => {
    const view = tableRef(as(s.node, "ViewStmt")?.view);
    return s.index > ctx.stmt.index && view !== undefined && sameTable(view, old);
  });
}

const rename: Rule = {
  id: "rename",
  title: "Renaming a table, column, schema or enum value breaks running application code",
  check(ctx) {
    const r = as(ctx.stmt.node, "RenameStmt");
    const enumRename = as(ctx.stmt.node, "AlterEnumStmt");
    let what: string | undefined;
    let tables: TableRef[] = [];
    let steps: RecipeStep[] = [];
    if (r && (RENAMED_RELATIONS[r.renameType ?? ""] || r.renameType === "OBJECT_SCHEMA")) {
      const target = tableRef(r.relation);
      if (target && ctx.state.isCreated(target)) return;
      if (r.renameType === "OBJECT_TABLE" && target && viewKeepsOldName(ctx, target)) return;
      const kind = RENAMED_RELATIONS[r.renameType ?? ""] ?? "schema";
      what = kind === "column" ? `column ${target ? displayName(target) : ""}.${r.subname} → ${r.newname}` : `${kind} ${target ? displayName(target) : r.subname} → ${r.newname}`;
      tables = target ? [target] : [];
      steps = renameSteps(kind, target ?? { name: r.subname ?? "" }, r.newname ?? "", r.subname);
    } else if (enumRename?.oldVal) {
      what = `enum value ${literal(enumRename.oldVal)} → ${literal(enumRename.newVal ?? "")} of ${strings(enumRename.typeName).join(".")}`;
      steps = [
        { text: "Stored rows keep the renamed label, so code still writing the old value fails at once: deploy code that accepts both values first." },
        { text: "Alternatively add the new value (ADD VALUE), move rows in batches, and stop writing the old one; enum values cannot be dropped without recreating the type." },
      ];
    }
    if (!what) return;
    ctx.report({
      message: `Rename of ${what}`,
      lock: enumRename ? null : "ACCESS EXCLUSIVE",
      work: "none",
      tables,
      why: "A rename is instant, but every application instance still running the previous release uses the old name and fails from that moment until it is replaced; prepared statements and caches break too.",
      recipe: { summary: "Expand-contract: make old and new names work at once, switch the code, then remove the old name.", steps },
    });
  },
};

function dropTableSteps(tables: TableRef[]): RecipeStep[] {
  const first = tables[0] ?? { name: "t" };
  return [
    {
      text: "Make sure nothing uses it: its scan and write counters should stop moving.",
      sql: `SELECT relname, seq_scan, idx_scan, n_tup_ins, n_tup_upd, n_tup_del\n  FROM pg_stat_user_tables WHERE relid = ${literal(qualified(first))}::regclass;`,
    },
    {
      text: "Rename it out of the way for one release first: forgotten readers fail loudly while the data still exists.",
      sql: tables.map((t) => `ALTER TABLE ${qualified(t)} RENAME TO ${ident(`${t.name}_to_drop`)};`).join("\n"),
    },
    { text: `Keep a copy: pg_dump --table=${qualified(first)} (or a backup you have restored once).` },
    lockTimeoutStep("the DROP"),
  ];
}

const dropTable: Rule = {
  id: "drop-table",
  title: "DROP TABLE loses data and breaks every reader",
  check(ctx) {
    const drop = as(ctx.stmt.node, "DropStmt");
    if (drop?.removeType !== "OBJECT_TABLE") return;
    const tables = (drop.objects ?? []).flatMap((o) => {
      const ref = refFromNames(strings(as(o, "List")?.items));
      return ref && !ctx.state.isCreated(ref) ? [ref] : [];
    });
    if (tables.length === 0) return;
    ctx.report({
      message: `DROP TABLE ${tables.map(displayName).join(", ")}${drop.behavior === "DROP_CASCADE" ? " CASCADE" : ""}`,
      lock: "ACCESS EXCLUSIVE",
      work: "none",
      tables,
      why: `The data is gone (only a backup brings it back), and any code, report or job still reading the table fails.${drop.behavior === "DROP_CASCADE" ? " CASCADE also drops views and foreign keys that depend on it." : ""}`,
      recipe: { summary: "Prove nothing uses it, rename it away for a release, keep a copy, then drop.", steps: dropTableSteps(tables) },
    });
  },
};

function dropped(ctx: RuleContext): { kind: "schema" | "database"; names: string[]; cascade: boolean } | undefined {
  const drop = as(ctx.stmt.node, "DropStmt");
  if (drop?.removeType === "OBJECT_SCHEMA") {
    return { kind: "schema", names: (drop.objects ?? []).map((o) => as(o, "String")?.sval ?? ""), cascade: drop.behavior === "DROP_CASCADE" };
  }
  const db = as(ctx.stmt.node, "DropdbStmt");
  return db?.dbname ? { kind: "database", names: [db.dbname], cascade: false } : undefined;
}

function dropContainer(kind: "schema" | "database"): Rule {
  return {
    id: `drop-${kind}`,
    title: `DROP ${kind.toUpperCase()} removes everything in it`,
    check(ctx) {
      const d = dropped(ctx);
      if (d?.kind !== kind) return;
      ctx.report({
        message: `DROP ${kind.toUpperCase()} ${d.names.join(", ")}${d.cascade ? " CASCADE" : ""}`,
        lock: "ACCESS EXCLUSIVE",
        work: "none",
        tables: [],
        why: `Every table in the ${kind} and its data are lost at once; nothing short of a restore brings them back.${kind === "database" ? " DROP DATABASE also cannot run inside a transaction block." : ""}`,
        recipe: {
          summary: `Do not drop a ${kind} from a migration; retire it by hand after a verified backup.`,
          steps: [
            { text: kind === "schema" ? "List what is inside and who uses it (pg_stat_user_tables by schemaname) before anything else." : "Check pg_stat_database and pg_stat_activity for remaining connections and activity." },
            { text: `Take and test-restore a backup (pg_dump${kind === "schema" ? " --schema=" + d.names.map(ident).join(" --schema=") : ""}).` },
          ],
        },
      });
    },
  };
}

const truncateCascade: Rule = {
  id: "truncate-cascade",
  title: "TRUNCATE … CASCADE empties every referencing table too",
  check(ctx) {
    const t = as(ctx.stmt.node, "TruncateStmt");
    if (t?.behavior !== "DROP_CASCADE") return;
    const tables = (t.relations ?? []).flatMap((r) => {
      const ref = tableRef(as(r, "RangeVar"));
      return ref ? [ref] : [];
    });
    ctx.report({
      message: `TRUNCATE ${tables.map(displayName).join(", ")} CASCADE`,
      lock: "ACCESS EXCLUSIVE",
      work: "none",
      tables,
      why: "CASCADE also truncates every table with a foreign key to these ones, and theirs in turn: tables the author did not name lose all their rows.",
      recipe: {
        summary: "Name every table to empty explicitly; without CASCADE PostgreSQL refuses if something else references them.",
        steps: [
          {
            text: "See which tables reference them:",
            sql: `SELECT conrelid::regclass AS referencing, confrelid::regclass AS referenced\n  FROM pg_constraint WHERE contype = 'f'\n   AND confrelid IN (${tables.map((x) => `${literal(qualified(x))}::regclass`).join(", ")});`,
          },
          { text: "Then truncate exactly the tables you mean, naming each referencing table you also want emptied:", sql: `TRUNCATE ${tables.map(qualified).join(", ")}, <referencing tables to empty too>;` },
        ],
      },
    });
  },
};

export const destructiveRules: Rule[] = [rename, dropTable, dropContainer("schema"), dropContainer("database"), truncateCascade];
