import type { LockLevel } from "@/lib/schemas/lint";
import { displayName } from "../ast";
import { blocksWrites, stronger } from "../locks";
import { LOCK_TIMEOUT_SQL } from "../sql";
import type { Rule } from "./rule";

const missingLockTimeout: Rule = {
  id: "missing-lock-timeout",
  title: "DDL that blocks writes runs without a lock_timeout",
  check(ctx) {
    if (ctx.state.lockTimeoutActive(ctx.tx)) return;
    // Only locks that conflict with writes matter: while such a lock request waits, every new
    // query that conflicts with it queues behind it (a SHARE UPDATE EXCLUSIVE wait does not).
    const uses = ctx.locks.filter((u) => blocksWrites(u.lock) && !ctx.state.isNew(u));
    if (uses.length === 0) return;
    const lock = uses.map((u) => u.lock).reduce<LockLevel>(stronger, "SHARE");
    ctx.report({
      message: `${lock} on ${uses.map((u) => displayName(u.table)).join(", ")} without a lock_timeout`,
      lock,
      work: "none",
      tables: uses.map((u) => u.table),
      why: "If a long query or an idle transaction holds a lock on the table, this statement waits for it, and every query that arrives afterwards queues behind this statement: a quick migration turns into an outage that lasts as long as the oldest transaction. (A lock_timeout set on the role or database also counts; the linter cannot see those.)",
      recipe: {
        summary: "SET lock_timeout before the DDL, and retry the migration when it times out.",
        steps: [
          { text: "At the top of the migration (SET LOCAL inside a transaction):", sql: LOCK_TIMEOUT_SQL },
          {
            // The same text for every statement, so it is shown once per file.
            text: "On SQLSTATE 55P03 (lock_not_available), wait a little and retry. The usual blocker is a long transaction (pgwarden's lint page lists the sessions locking each table as the blast radius):",
            sql: [
              "SELECT pid, usename, state, now() - xact_start AS xact_age, left(query, 80) AS query",
              "  FROM pg_stat_activity",
              " WHERE xact_start < now() - interval '1 minute'",
              " ORDER BY xact_start;",
            ].join("\n"),
          },
          { text: "Set a statement_timeout too, so a statement that does get its lock cannot run for longer than planned." },
        ],
      },
    });
  },
};

const transactionNesting: Rule = {
  id: "transaction-nesting",
  title: "BEGIN inside a transaction, COMMIT without one, or a transaction never committed",
  check(ctx) {
    for (const p of ctx.txProblems) {
      if (p.statement !== ctx.stmt) continue;
      ctx.report({
        message: p.message,
        lock: null,
        work: "none",
        tables: [],
        why: p.why,
        recipe: {
          summary: "Make the file's transactions match how it is run.",
          steps: [
            { text: "With a tool that wraps each file in a transaction, do not write BEGIN/COMMIT yourself; use the tool's no-transaction mode for statements that need it." },
            { text: "With psql or a tool that does not wrap, pair every BEGIN with a COMMIT." },
          ],
        },
      });
    }
  },
};

export const timeoutRules: Rule[] = [missingLockTimeout, transactionNesting];
