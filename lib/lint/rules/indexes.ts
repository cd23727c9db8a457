import type { IndexStmt, Node } from "libpg-query";
import { as, displayName, refFromNames, strings, tableRef } from "../ast";
import { optionOn } from "../options";
import { concurrentIndexSteps, NO_TRANSACTION_MODE } from "../recipes";
import { ident, insertAfterKeyword, qualified } from "../sql";
import type { Rule, RuleContext } from "./rule";

/** PostgreSQL's generated name for an unnamed index: <table>_<columns>_idx. */
export function defaultIndexName(idx: IndexStmt): string {
  const cols = (idx.indexParams ?? []).map((p) => {
    const elem = as(p, "IndexElem");
    if (elem?.name) return elem.name;
    const call = as(elem?.expr, "FuncCall");
    return call ? (strings(call.funcname).pop() ?? "expr") : "expr";
  });
  return `${idx.relation?.relname ?? "table"}_${cols.join("_")}_idx`;
}

function isConcurrentReindex(ctx: RuleContext): boolean {
  return optionOn(as(ctx.stmt.node, "ReindexStmt")?.params, "concurrently");
}

const indexNotConcurrent: Rule = {
  id: "index-not-concurrent",
  title: "CREATE INDEX without CONCURRENTLY blocks writes for the whole build",
  check(ctx) {
    const idx = as(ctx.stmt.node, "IndexStmt");
    const table = tableRef(idx?.relation);
    // ON ONLY a partitioned parent builds nothing (the index stays invalid until partitions attach).
    if (!idx || idx.concurrent || !table || !idx.relation?.inh || ctx.state.isCreated(table)) return;
    // IF NOT EXISTS lets a re-run continue; the indisvalid check below catches an INVALID leftover.
    const words = idx.idxname && !idx.if_not_exists ? "CONCURRENTLY IF NOT EXISTS" : "CONCURRENTLY";
    const rewritten = insertAfterKeyword(ctx.stmt, ctx.source.text, "index", words);
    ctx.report({
      message: `CREATE INDEX on ${displayName(table)} without CONCURRENTLY`,
      lock: "SHARE",
      work: "build",
      tables: [table],
      why: "A plain CREATE INDEX holds a SHARE lock for the whole build: every INSERT, UPDATE and DELETE on the table waits until the index is finished, which on a large table means minutes of failed writes.",
      recipe: {
        summary: "Build it with CREATE INDEX CONCURRENTLY, outside any transaction, and check that it came out valid.",
        steps: concurrentIndexSteps(rewritten ? `${rewritten};` : "CREATE INDEX CONCURRENTLY …;", idx.idxname ?? defaultIndexName(idx), table.schema),
      },
      at: idx.relation?.location,
    });
  },
};

/** Other statements PostgreSQL refuses inside a transaction block (PreventInTransactionBlock). */
function noTransactionBlock(node: Node): string | undefined {
  if (as(node, "VacuumStmt")?.is_vacuumcmd) return "VACUUM";
  if (as(node, "CreatedbStmt")) return "CREATE DATABASE";
  if (as(node, "DropdbStmt")) return "DROP DATABASE";
  if (as(node, "AlterSystemStmt")) return "ALTER SYSTEM";
  if (as(node, "CreateTableSpaceStmt")) return "CREATE TABLESPACE";
  if (as(node, "DropTableSpaceStmt")) return "DROP TABLESPACE";
  const kind = as(node, "ReindexStmt")?.kind;
  if (kind === "REINDEX_OBJECT_SCHEMA" || kind === "REINDEX_OBJECT_DATABASE" || kind === "REINDEX_OBJECT_SYSTEM") return `REINDEX ${kind.replace("REINDEX_OBJECT_", "")}`;
  return undefined;
}

const concurrentInTx: Rule = {
  id: "concurrent-in-tx",
  title: "A CONCURRENTLY operation (or VACUUM, CREATE/DROP DATABASE …) inside a transaction block fails",
  check(ctx) {
    if (!ctx.inBlock) return;
    const node = ctx.stmt.node;
    const alter = as(node, "AlterTableStmt");
    const detach = (alter?.cmds ?? []).some((c) => as(as(c, "AlterTableCmd")?.def, "PartitionCmd")?.concurrent);
    const what = as(node, "IndexStmt")?.concurrent
      ? "CREATE INDEX CONCURRENTLY"
      : as(node, "DropStmt")?.concurrent
        ? "DROP INDEX CONCURRENTLY"
        : isConcurrentReindex(ctx)
          ? "REINDEX CONCURRENTLY"
          : detach
            ? "DETACH PARTITION … CONCURRENTLY"
            : noTransactionBlock(node);
    if (!what) return;
    const tables = [tableRef(as(node, "IndexStmt")?.relation ?? as(node, "ReindexStmt")?.relation ?? alter?.relation)].flatMap((t) => (t ? [t] : []));
    ctx.report({
      message: `${what} inside a transaction block`,
      lock: null,
      work: "none",
      tables,
      why: `${what} cannot run inside a transaction block: PostgreSQL rejects it with "cannot run inside a transaction block" and the migration fails${ctx.tx.explicit ? "" : " (the migration tool wraps this file in a transaction)"}.`,
      recipe: {
        summary: "Run it on its own, outside any transaction.",
        steps: [
          { text: `Move the statement to ${NO_TRANSACTION_MODE}.` },
          ...(ctx.tx.explicit ? [{ text: "Or end the transaction before it: COMMIT first, and do not wrap it in BEGIN … COMMIT." }] : []),
        ],
      },
    });
  },
};

const dropIndexNotConcurrent: Rule = {
  id: "drop-index-not-concurrent",
  title: "DROP INDEX without CONCURRENTLY takes ACCESS EXCLUSIVE on the table",
  check(ctx) {
    const drop = as(ctx.stmt.node, "DropStmt");
    if (drop?.removeType !== "OBJECT_INDEX" || drop.concurrent) return;
    const indexes = (drop.objects ?? []).flatMap((o) => {
      const ref = refFromNames(strings(as(o, "List")?.items));
      return ref && !ctx.state.isCreatedIndex(ref) ? [ref] : [];
    });
    if (indexes.length === 0) return;
    ctx.report({
      message: `DROP INDEX ${indexes.map(displayName).join(", ")} without CONCURRENTLY`,
      lock: "ACCESS EXCLUSIVE",
      work: "none",
      tables: indexes,
      why: "DROP INDEX takes ACCESS EXCLUSIVE on the index's table. The drop itself is instant, but while it waits for running queries to finish, every new read and write of the table queues behind it.",
      recipe: {
        summary: "Drop each index with DROP INDEX CONCURRENTLY, outside a transaction (it takes one index per statement).",
        steps: [
          {
            text: `In ${NO_TRANSACTION_MODE}:`,
            // IF EXISTS: outside a transaction, a re-run after a partial failure must not stop here.
            sql: indexes.map((i) => `DROP INDEX CONCURRENTLY IF EXISTS ${qualified(i)};`).join("\n"),
          },
        ],
      },
    });
  },
};

const reindexNotConcurrent: Rule = {
  id: "reindex-not-concurrent",
  title: "REINDEX without CONCURRENTLY blocks queries on the table",
  check(ctx) {
    const reindex = as(ctx.stmt.node, "ReindexStmt");
    if (!reindex || isConcurrentReindex(ctx) || reindex.kind === "REINDEX_OBJECT_SYSTEM") return;
    const target = tableRef(reindex.relation);
    const onIndex = reindex.kind === "REINDEX_OBJECT_INDEX";
    if (target && (onIndex ? ctx.state.isCreatedIndex(target) : ctx.state.isCreated(target))) return;
    const kindWord = onIndex ? "INDEX" : reindex.kind === "REINDEX_OBJECT_TABLE" ? "TABLE" : reindex.kind === "REINDEX_OBJECT_SCHEMA" ? "SCHEMA" : "DATABASE";
    const name = target ? qualified(target) : ident(reindex.name ?? "");
    const canConcurrently = ctx.version >= 120000;
    ctx.report({
      message: `REINDEX ${kindWord} ${target ? displayName(target) : (reindex.name ?? "")} without CONCURRENTLY`,
      lock: "ACCESS EXCLUSIVE",
      work: "build",
      tables: target ? [target] : [],
      why: "REINDEX takes SHARE on the table (writes wait) and ACCESS EXCLUSIVE on each index it rebuilds; since the planner locks every index of a table it plans for, reads queue too. The whole table is effectively offline for the rebuild.",
      recipe: canConcurrently
        ? {
            summary: "Use REINDEX CONCURRENTLY (PostgreSQL 12+), outside a transaction.",
            steps: [
              { text: `In ${NO_TRANSACTION_MODE}:`, sql: `REINDEX ${kindWord} CONCURRENTLY ${name};` },
              {
                text: "A failed run leaves indexes named …_ccnew (or …_ccold): find them and drop them with DROP INDEX CONCURRENTLY.",
                sql: "SELECT indexrelid::regclass FROM pg_index WHERE NOT indisvalid;",
              },
            ],
          }
        : {
            summary: "Before PostgreSQL 12 there is no REINDEX CONCURRENTLY: build a replacement index concurrently and swap.",
            steps: [
              { text: "Build a copy of the index (same definition, new name) with CREATE INDEX CONCURRENTLY, outside a transaction; check indisvalid." },
              { text: "Drop the old one with DROP INDEX CONCURRENTLY, then rename the copy (ALTER INDEX … RENAME TO …, with a short lock_timeout)." },
              { text: "Indexes behind PRIMARY KEY/UNIQUE constraints need ALTER TABLE … ADD CONSTRAINT … USING INDEX instead." },
            ],
          },
    });
  },
};

const concurrentIndexPg14Bug: Rule = {
  id: "concurrent-index-pg14-bug",
  title: "Concurrent index builds on PostgreSQL 14.0–14.3 can corrupt indexes",
  check(ctx) {
    if (ctx.version < 140000 || ctx.version > 140003) return;
    const idx = as(ctx.stmt.node, "IndexStmt");
    if (!idx?.concurrent && !isConcurrentReindex(ctx)) return;
    const table = tableRef(idx?.relation ?? as(ctx.stmt.node, "ReindexStmt")?.relation);
    ctx.report({
      message: "CONCURRENTLY build on PostgreSQL 14.0–14.3",
      lock: "SHARE UPDATE EXCLUSIVE",
      work: "build",
      tables: table ? [table] : [],
      why: "PostgreSQL 14.0 to 14.3 have a bug (fixed in 14.4) by which CREATE INDEX CONCURRENTLY and REINDEX CONCURRENTLY can miss rows written during the build, leaving a silently corrupt index.",
      recipe: {
        summary: "Upgrade to 14.4 or later first; rebuild indexes built concurrently on 14.0–14.3.",
        steps: [
          { text: "Upgrade the server to the latest 14.x minor release (a restart, no dump/restore)." },
          { text: "Find corrupt B-tree indexes with amcheck, and rebuild them with REINDEX INDEX CONCURRENTLY.", sql: "CREATE EXTENSION IF NOT EXISTS amcheck;\nSELECT bt_index_check('<index>'::regclass, true);" },
        ],
      },
    });
  },
};

const indexTooManyColumns: Rule = {
  id: "index-too-many-columns",
  title: "Index with more than 3 key columns",
  check(ctx) {
    const idx = as(ctx.stmt.node, "IndexStmt");
    const n = idx?.indexParams?.length ?? 0;
    if (!idx || n <= 3) return;
    const table = tableRef(idx.relation);
    ctx.report({
      message: `Index on ${table ? displayName(table) : "?"} has ${n} key columns`,
      lock: null,
      work: "none",
      tables: table ? [table] : [],
      why: "Wide indexes are large, slow every write, and the planner rarely uses the trailing columns; queries usually filter on the first two or three.",
      recipe: {
        summary: "Keep the leading, selective columns; move columns needed only for index-only scans to INCLUDE (…).",
        steps: [{ text: "Check pg_stat_user_indexes.idx_scan after a while and drop indexes that are not used." }],
      },
    });
  },
};

export const indexRules: Rule[] = [indexNotConcurrent, concurrentInTx, dropIndexNotConcurrent, reindexNotConcurrent, concurrentIndexPg14Bug, indexTooManyColumns];
