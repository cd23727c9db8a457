import type { ColumnDef, Constraint } from "libpg-query";
import type { RecipeStep, TableRef } from "@/lib/schemas/lint";
import { displayName, strings, tableRef } from "../ast";
import { concurrentIndexSteps, lockTimeoutStep, notValidThenValidate } from "../recipes";
import { clauseText, formatType, ident, qualified } from "../sql";
import { defaultCheckName, notNullCheckColumn } from "../state";
import { notNullSteps } from "./not-null";
import { addedColumns, addedConstraints, alterCommands, nextConstraintStart, type Rule, type RuleContext } from "./rule";

/** The constraint clause as written (CONSTRAINT … FOREIGN KEY … / CHECK (…)), named if it was not. */
function namedClause(ctx: RuleContext, con: Constraint, name: string): string {
  const clause = clauseText(ctx.stmt, ctx.source.text, ctx.source.fromByte(con.location ?? 0)) ?? "…";
  return con.conname ? clause : `CONSTRAINT ${ident(name)} ${clause}`;
}

const fkWithoutNotValid: Rule = {
  id: "fk-without-not-valid",
  title: "ADD FOREIGN KEY without NOT VALID scans the table while blocking writes on both tables",
  check(ctx) {
    const found: { table: TableRef; con: Constraint; col?: ColumnDef }[] = [
      ...addedConstraints(ctx).filter((c) => c.con.contype === "CONSTR_FOREIGN" && !c.con.skip_validation),
      ...addedColumns(ctx).flatMap((c) => c.constraints.filter((k) => k.contype === "CONSTR_FOREIGN").map((con) => ({ table: c.table, con, col: c.col }))),
    ];
    for (const { table, con, col } of found) {
      const referenced = tableRef(con.pktable);
      const column = col ? { name: col.colname ?? "", type: formatType(col.typeName) } : undefined;
      const cols = column ? [column.name] : strings(con.fk_attrs);
      const name = con.conname ?? `${table.name}_${cols.join("_")}_fkey`;
      const t = qualified(table);
      let clause: string;
      if (col && column) {
        // Inline REFERENCES becomes a table constraint: FOREIGN KEY (col) REFERENCES … as written.
        const from = ctx.source.fromByte(con.location ?? 0);
        const references = ctx.stmt.tokens().find((tok) => tok.start >= from && tok.text.toLowerCase() === "references");
        const written = references ? clauseText(ctx.stmt, ctx.source.text, references.start, nextConstraintStart(ctx, col, con)) : undefined;
        clause = `CONSTRAINT ${ident(name)} FOREIGN KEY (${ident(column.name)}) ${written ?? "REFERENCES …"}`;
      } else {
        clause = namedClause(ctx, con, name);
      }
      const steps: RecipeStep[] = [
        ...(column ? [lockTimeoutStep(), { text: "Add the column on its own:", sql: `ALTER TABLE ${t} ADD COLUMN ${ident(column.name)} ${column.type};` }] : []),
        ...notValidThenValidate(table, `ALTER TABLE ${t} ADD ${clause} NOT VALID;`, name).slice(column ? 1 : 0),
      ];
      ctx.report({
        message: `FOREIGN KEY ${name} on ${displayName(table)} → ${referenced ? displayName(referenced) : "?"} is validated while it is added`,
        // Inline on ADD COLUMN, the scan runs under the ADD COLUMN's ACCESS EXCLUSIVE.
        lock: col ? "ACCESS EXCLUSIVE" : "SHARE ROW EXCLUSIVE",
        work: "scan",
        tables: referenced ? [table, referenced] : [table],
        why: `Adding a foreign key takes SHARE ROW EXCLUSIVE on both tables and checks every existing row before releasing them: INSERT, UPDATE and DELETE on both tables wait for the whole scan${col ? " (here even reads of the altered table wait: ADD COLUMN holds ACCESS EXCLUSIVE)" : ""}.`,
        recipe: { summary: "Add it NOT VALID (instant), then VALIDATE CONSTRAINT in a separate transaction (no write blocking).", steps },
        at: con.location,
      });
    }
  },
};

const checkWithoutNotValid: Rule = {
  id: "check-without-not-valid",
  title: "ADD CHECK without NOT VALID scans the table under ACCESS EXCLUSIVE",
  check(ctx) {
    for (const { table, con } of addedConstraints(ctx)) {
      if (con.contype !== "CONSTR_CHECK" || con.skip_validation) continue;
      const name = con.conname ?? defaultCheckName(table.name, notNullCheckColumn(con.raw_expr));
      ctx.report({
        message: `CHECK constraint ${name} on ${displayName(table)} is validated while it is added`,
        lock: "ACCESS EXCLUSIVE",
        work: "scan",
        tables: [table],
        why: "PostgreSQL checks every existing row while holding ACCESS EXCLUSIVE: nothing can read or write the table until the scan ends.",
        recipe: {
          summary: "Add it NOT VALID (instant), then VALIDATE CONSTRAINT in a separate transaction.",
          steps: notValidThenValidate(table, `ALTER TABLE ${qualified(table)} ADD ${namedClause(ctx, con, name)} NOT VALID;`, name),
        },
        at: con.location,
      });
    }
  },
};

const validateSameTx: Rule = {
  id: "validate-same-tx",
  title: "VALIDATE CONSTRAINT in the transaction that took ACCESS EXCLUSIVE",
  check(ctx) {
    if (!ctx.inBlock) return;
    for (const { table, cmd } of alterCommands(ctx, "AT_ValidateConstraint")) {
      const name = cmd.name ?? "";
      const sameTxAdd = ctx.state.knowledge.notValidAddedIn(table, name) === ctx.tx.id;
      const exclusive = ctx.state.exclusiveLocksIn(ctx.tx);
      if (!sameTxAdd && exclusive.length === 0) continue;
      ctx.report({
        message: `VALIDATE CONSTRAINT ${name} runs in the same transaction as ${sameTxAdd ? "its NOT VALID add" : `statement ${exclusive[0]?.index} (ACCESS EXCLUSIVE)`}`,
        lock: "ACCESS EXCLUSIVE",
        work: "scan",
        tables: [table],
        why: "Locks are held until the transaction ends. The ACCESS EXCLUSIVE lock taken earlier in this transaction is still held during the validation scan, so the NOT VALID/VALIDATE split gains nothing: the table is blocked for the whole scan.",
        recipe: {
          summary: "Commit between adding the constraint and validating it.",
          steps: [
            { text: "End the transaction after the ADD … NOT VALID (COMMIT), or move VALIDATE to the next migration file." },
            { text: "Then validate on its own:", sql: `ALTER TABLE ${qualified(table)} VALIDATE CONSTRAINT ${ident(name)};` },
          ],
        },
      });
    }
  },
};

/** UNIQUE/PRIMARY KEY added by table constraint or inline on a new column, without USING INDEX. */
function indexBackedConstraints(ctx: RuleContext, contype: string): { table: TableRef; con: Constraint; cols: string[] }[] {
  return [
    ...addedConstraints(ctx)
      .filter((c) => c.con.contype === contype && !c.con.indexname)
      .map((c) => ({ table: c.table, con: c.con, cols: strings(c.con.keys) })),
    ...addedColumns(ctx).flatMap((c) =>
      c.constraints.filter((k) => k.contype === contype && !k.indexname).map((con) => ({ table: c.table, con, cols: [c.col.colname ?? ""] })),
    ),
  ];
}

function indexThenAttach(ctx: RuleContext, table: TableRef, con: Constraint, cols: string[], name: string, kind: "UNIQUE" | "PRIMARY KEY"): RecipeStep[] {
  const t = qualified(table);
  const include = strings(con.including);
  const create = [
    `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${ident(name)} ON ${t} (${cols.map(ident).join(", ")})`,
    include.length ? ` INCLUDE (${include.map(ident).join(", ")})` : "",
    con.nulls_not_distinct ? " NULLS NOT DISTINCT" : "",
    ";",
  ].join("");
  return [
    ...concurrentIndexSteps(create, name, table.schema).slice(0, 3),
    lockTimeoutStep("attaching it"),
    { text: `Turn the index into the constraint: no new build${kind === "PRIMARY KEY" ? ", and no NOT NULL scan if the columns are already NOT NULL" : ""}.`, sql: `ALTER TABLE ${t} ADD CONSTRAINT ${ident(name)} ${kind} USING INDEX ${ident(name)};` },
  ];
}

const uniqueConstraint: Rule = {
  id: "unique-constraint",
  title: "ADD UNIQUE builds its index under ACCESS EXCLUSIVE",
  check(ctx) {
    for (const { table, con, cols } of indexBackedConstraints(ctx, "CONSTR_UNIQUE")) {
      const name = con.conname ?? `${table.name}_${cols.join("_")}_key`;
      ctx.report({
        message: `UNIQUE (${cols.join(", ")}) on ${displayName(table)} builds an index under ACCESS EXCLUSIVE`,
        lock: "ACCESS EXCLUSIVE",
        work: "build",
        tables: [table],
        why: "The unique index is built while the table is locked ACCESS EXCLUSIVE: no reads or writes for the whole build.",
        recipe: { summary: "Build the unique index CONCURRENTLY, then ADD CONSTRAINT … UNIQUE USING INDEX.", steps: indexThenAttach(ctx, table, con, cols, name, "UNIQUE") },
        at: con.location,
      });
    }
  },
};

const primaryKey: Rule = {
  id: "primary-key",
  title: "ADD PRIMARY KEY builds its index (and checks NOT NULL) under ACCESS EXCLUSIVE",
  check(ctx) {
    for (const { table, con, cols } of indexBackedConstraints(ctx, "CONSTR_PRIMARY")) {
      const name = con.conname ?? `${table.name}_pkey`;
      ctx.report({
        message: `PRIMARY KEY (${cols.join(", ")}) on ${displayName(table)} builds an index under ACCESS EXCLUSIVE`,
        lock: "ACCESS EXCLUSIVE",
        work: "build",
        tables: [table],
        why: "Adding a primary key makes its columns NOT NULL (a full scan) and builds a unique index, all under ACCESS EXCLUSIVE: the table is unusable until both finish.",
        recipe: {
          summary: "Make the columns NOT NULL safely, build the unique index CONCURRENTLY, then ADD PRIMARY KEY USING INDEX.",
          steps: [
            { text: "If the key columns are not NOT NULL yet:" },
            ...cols.flatMap((c) => notNullSteps(ctx.version, table, c)),
            ...indexThenAttach(ctx, table, con, cols, name, "PRIMARY KEY"),
          ],
        },
        at: con.location,
      });
    }
  },
};

const exclusionConstraint: Rule = {
  id: "exclusion-constraint",
  title: "ADD EXCLUDE builds an index and checks every row under ACCESS EXCLUSIVE",
  check(ctx) {
    for (const { table, con } of addedConstraints(ctx)) {
      if (con.contype !== "CONSTR_EXCLUSION") continue;
      ctx.report({
        message: `EXCLUDE constraint on ${displayName(table)} builds under ACCESS EXCLUSIVE`,
        lock: "ACCESS EXCLUSIVE",
        work: "build",
        tables: [table],
        why: "An exclusion constraint builds its index and checks all rows while the table is locked ACCESS EXCLUSIVE, and there is no NOT VALID or USING INDEX form to split the work.",
        recipe: {
          summary: "Add exclusion constraints only to new or empty tables, or in a maintenance window.",
          steps: [
            { text: "For an existing table: create a new table with the constraint, copy rows in batches while a trigger mirrors writes, then swap names in one short transaction." },
            { text: "Or schedule a maintenance window and set a lock_timeout so the ALTER does not queue traffic behind it." },
          ],
        },
        at: con.location,
      });
    }
  },
};

export const constraintRules: Rule[] = [fkWithoutNotValid, checkWithoutNotValid, validateSameTx, uniqueConstraint, primaryKey, exclusionConstraint];
