import type { RecipeStep } from "@/lib/schemas/lint";
import { as, displayName, findAll, strings, tableRef } from "../ast";
import { lockTimeoutStep, NO_TRANSACTION_MODE } from "../recipes";
import { clauseText, ident, qualified } from "../sql";
import { alterCommands, type Rule } from "./rule";

const detachNotConcurrent: Rule = {
  id: "detach-not-concurrent",
  title: "DETACH PARTITION without CONCURRENTLY locks the whole partitioned table",
  check(ctx) {
    for (const { table, cmd } of alterCommands(ctx, "AT_DetachPartition")) {
      const part = as(cmd.def, "PartitionCmd");
      const child = tableRef(part?.name);
      if (!part || part.concurrent || !child) continue;
      const canConcurrently = ctx.version >= 140000;
      ctx.report({
        ...(canConcurrently ? {} : { severity: "warning" as const }),
        message: `DETACH PARTITION ${displayName(child)} from ${displayName(table)} without CONCURRENTLY`,
        lock: "ACCESS EXCLUSIVE",
        work: "none",
        tables: [table, child],
        why: "A plain DETACH takes ACCESS EXCLUSIVE on the partitioned table: every query on any partition waits for it, and queues behind it while it waits.",
        recipe: canConcurrently
          ? {
              summary: "Use DETACH … CONCURRENTLY (PostgreSQL 14+), outside a transaction.",
              steps: [
                lockTimeoutStep("the DETACH (its last step takes ACCESS EXCLUSIVE on the partition)"),
                { text: `In ${NO_TRANSACTION_MODE}:`, sql: `ALTER TABLE ${qualified(table)} DETACH PARTITION ${qualified(child)} CONCURRENTLY;` },
                { text: "If it is interrupted, finish it:", sql: `ALTER TABLE ${qualified(table)} DETACH PARTITION ${qualified(child)} FINALIZE;` },
                { text: "CONCURRENTLY is refused when the table has a DEFAULT partition." },
              ],
            }
          : { summary: "Before PostgreSQL 14 there is no concurrent form: detach in a quiet moment with a short lock_timeout and retry.", steps: [lockTimeoutStep("the DETACH")] },
      });
    }
  },
};

/** The CHECK a range or list bound on a one-column key amounts to, e.g. "at IS NOT NULL AND at >= '2024-01-01' AND at < '2025-01-01'". */
export function boundCheck(key: string[] | undefined, bound: string | undefined): string | undefined {
  if (key?.length !== 1 || !bound) return undefined;
  const k = ident(key[0] ?? "");
  const range = /^for\s+values\s+from\s*\(([\s\S]*)\)\s*to\s*\(([\s\S]*)\)$/i.exec(bound.trim());
  if (range) {
    const parts = [`${k} IS NOT NULL`];
    const [lo, hi] = [range[1]?.trim() ?? "", range[2]?.trim() ?? ""];
    if (!/^minvalue$/i.test(lo)) parts.push(`${k} >= ${lo}`);
    if (!/^maxvalue$/i.test(hi)) parts.push(`${k} < ${hi}`);
    return parts.join(" AND ");
  }
  const list = /^for\s+values\s+in\s*\(([\s\S]*)\)$/i.exec(bound.trim());
  if (list && !/\bnull\b/i.test(list[1] ?? "")) return `${k} IS NOT NULL AND ${k} IN (${list[1]?.trim()})`;
  return undefined;
}

const attachWithoutCheck: Rule = {
  id: "attach-without-check",
  title: "ATTACH PARTITION scans the new partition while holding ACCESS EXCLUSIVE on it",
  check(ctx) {
    for (const { table, cmd } of alterCommands(ctx, "AT_AttachPartition")) {
      const child = tableRef(as(cmd.def, "PartitionCmd")?.name);
      if (!child || ctx.state.isCreated(child)) continue;
      // A valid CHECK on the child spares the scan when it implies the bound; the linter cannot prove
      // implication, so it asks for one on the partition key (any CHECK when the key is unknown).
      const key = ctx.state.knowledge.partitionKey(table);
      const checks = ctx.state.knowledge.validChecks(child);
      if (checks.some((k) => !key || k.columns.some((col) => key.includes(col)))) continue;
      ctx.ask({ table });
      ctx.ask({ table: child });
      const forToken = ctx.stmt.tokens().find((t) => t.text.toLowerCase() === "for" || t.text.toLowerCase() === "default");
      const bound = forToken ? clauseText(ctx.stmt, ctx.source.text, forToken.start) : undefined;
      const c = qualified(child);
      const name = ident(`${child.name}_partition_bound`);
      const steps: RecipeStep[] = [
        lockTimeoutStep(),
        {
          text: `Add a CHECK on ${displayName(child)} that states the partition bound${bound ? ` (${bound})` : ""} on the partition key, without validating:`,
          sql: `ALTER TABLE ${c} ADD CONSTRAINT ${name} CHECK (${boundCheck(key, bound) ?? "<partition key within the bound>"}) NOT VALID;`,
        },
        { text: "Validate it in its own transaction (SHARE UPDATE EXCLUSIVE: the child stays readable and writable):", sql: `ALTER TABLE ${c} VALIDATE CONSTRAINT ${name};` },
        { text: "Attach: the valid CHECK proves the bound, so no scan happens.", sql: `ALTER TABLE ${qualified(table)} ATTACH PARTITION ${c} ${bound ?? "FOR VALUES …"};` },
        { text: "Drop the now redundant CHECK.", sql: `ALTER TABLE ${c} DROP CONSTRAINT ${name};` },
      ];
      ctx.report({
        message: `ATTACH PARTITION ${displayName(child)} scans it to check the partition bound${checks.length && key ? ` (its CHECK constraints do not use the partition key ${key.join(", ")})` : ""}`,
        lock: "ACCESS EXCLUSIVE",
        work: "scan",
        tables: [table, child],
        why: `Without a valid CHECK constraint that implies the partition bound, PostgreSQL scans the whole new partition while holding ACCESS EXCLUSIVE on it (and on a DEFAULT partition, which is scanned too)${ctx.version >= 120000 ? "; the parent only gets SHARE UPDATE EXCLUSIVE" : ", and before PostgreSQL 12 the parent is locked ACCESS EXCLUSIVE as well"}.`,
        recipe: { summary: "Add a matching CHECK NOT VALID, VALIDATE it, then ATTACH (no scan).", steps },
      });
    }
  },
};

const refreshMatview: Rule = {
  id: "refresh-matview",
  title: "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view",
  check(ctx) {
    const refresh = as(ctx.stmt.node, "RefreshMatViewStmt");
    const view = tableRef(refresh?.relation);
    if (!refresh || refresh.concurrent || !view || ctx.state.isCreated(view) || refresh.skipData) return;
    ctx.report({
      message: `REFRESH MATERIALIZED VIEW ${displayName(view)} without CONCURRENTLY`,
      lock: "ACCESS EXCLUSIVE",
      work: "rewrite",
      tables: [view],
      why: "A plain refresh recomputes the view under ACCESS EXCLUSIVE: every SELECT on it waits until the refresh finishes.",
      recipe: {
        summary: "Refresh CONCURRENTLY (readers keep the old contents meanwhile); it needs a unique index on plain columns.",
        steps: [
          {
            text: `Once, in ${NO_TRANSACTION_MODE}: a unique index over columns that identify a row (no WHERE, no expressions).`,
            sql: `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${ident(`${view.name}_refresh_key`)} ON ${qualified(view)} (<key columns>);`,
          },
          lockTimeoutStep("the refresh (it waits for EXCLUSIVE, which queues behind a running refresh)"),
          { text: "Then:", sql: `REFRESH MATERIALIZED VIEW CONCURRENTLY ${qualified(view)};` },
          { text: "CONCURRENTLY is refused on a view that has never been populated; the first refresh must be plain." },
        ],
      },
    });
  },
};

const enumAddValue: Rule = {
  id: "enum-add-value",
  title: "ALTER TYPE … ADD VALUE: position, and transactions",
  check(ctx) {
    const e = as(ctx.stmt.node, "AlterEnumStmt");
    if (!e?.newVal || e.oldVal) return;
    const type = strings(e.typeName).join(".");
    const failsInTx = ctx.inBlock && ctx.version < 120000;
    if (!failsInTx && e.newValNeighbor && !ctx.inBlock) return;
    const base = { lock: null, work: "none" as const, tables: [] };
    if (failsInTx) {
      ctx.report({
        ...base,
        severity: "error",
        message: `ALTER TYPE ${type} ADD VALUE inside a transaction block`,
        why: "Before PostgreSQL 12, ALTER TYPE … ADD VALUE cannot run inside a transaction block: the migration fails.",
        recipe: { summary: "Run it on its own, outside a transaction.", steps: [{ text: `Move it to ${NO_TRANSACTION_MODE}.` }] },
      });
    } else if (!e.newValNeighbor) {
      ctx.report({
        ...base,
        message: `ALTER TYPE ${type} ADD VALUE '${e.newVal}' without BEFORE/AFTER`,
        why: `Enum values sort in declaration order (ORDER BY, <, >, ranges). Appending puts '${e.newVal}' after every existing value, which is often not the intended order and cannot be changed later without recreating the type.${ctx.inBlock ? " Also, inside a transaction the new value cannot be used until that transaction commits." : ""}`,
        recipe: { summary: "Say where the value goes.", steps: [{ text: "Add BEFORE 'x' or AFTER 'y' (even when appending, write AFTER the current last value to make the intent explicit)." }] },
      });
    } else {
      ctx.report({
        ...base,
        severity: "info",
        message: `ALTER TYPE ${type} ADD VALUE inside a transaction`,
        why: "Since PostgreSQL 12 this works inside a transaction block, but the new value cannot be used (inserted, compared) until the transaction commits: a later statement in the same migration that uses it fails.",
        recipe: { summary: "Use the new value only in a later migration.", steps: [{ text: "Keep statements that use the value out of this transaction." }] },
      });
    }
  },
};

// PostgreSQL 12+ lets ADD VALUE run in a transaction block, but the new label cannot be used
// before that transaction commits: "unsafe use of new value … of enum type" (SQLSTATE 55P04).
const enumValueUsedInTx: Rule = {
  id: "enum-value-used-in-tx",
  title: "A value added to an enum is used in the same transaction",
  check(ctx) {
    if (!ctx.inBlock || as(ctx.stmt.node, "AlterEnumStmt")) return;
    const added = ctx.state.enumValuesAddedIn(ctx.tx);
    if (added.length === 0) return;
    const literals = new Set(findAll(ctx.stmt.node, "A_Const").flatMap((c) => (c.sval?.sval !== undefined ? [c.sval.sval] : [])));
    for (const a of added) {
      if (!literals.has(a.value)) continue;
      ctx.report({
        message: `'${a.value}' is used in the transaction that added it to ${a.type} (statement ${a.statement})`,
        lock: null,
        work: "none",
        tables: ctx.locks.map((u) => u.table),
        why: `A value added with ALTER TYPE … ADD VALUE cannot be used until the transaction that added it commits: PostgreSQL stops this statement with "unsafe use of new value '${a.value}' of enum type ${a.type}" and the whole migration rolls back.`,
        recipe: {
          summary: "Commit the ADD VALUE first: use the value in a later transaction or migration.",
          steps: [{ text: "Move the ADD VALUE to its own migration (or COMMIT right after it), and keep the statements that use the value in the next one." }],
        },
      });
    }
  },
};

export const tableRules: Rule[] = [detachNotConcurrent, attachWithoutCheck, refreshMatview, enumAddValue, enumValueUsedInTx];
