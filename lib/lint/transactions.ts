// Which transaction each statement runs in. psql and most tools run a file statement by
// statement (autocommit) unless it says BEGIN; tools such as Rails, Django, Flyway or sqlx wrap
// the whole file in one transaction instead (the assumeInTransaction option).
import type { Statement } from "./parse";
import { as } from "./ast";

export interface Transaction {
  id: number;
  /** Opened by BEGIN/START TRANSACTION in the file (false: tool-wrapped or autocommit). */
  explicit: boolean;
  /** A transaction block (explicit or tool-wrapped), as opposed to one autocommit statement. */
  block: boolean;
  statements: Statement[];
}

export interface TransactionProblem {
  statement: Statement;
  message: string;
  why: string;
}

export interface TransactionMap {
  /** The transaction of each statement, by statement index − 1. */
  of: Transaction[];
  problems: TransactionProblem[];
}

export function transactionsOf(statements: Statement[], assumeInTransaction: boolean): TransactionMap {
  const of: Transaction[] = [];
  const problems: TransactionProblem[] = [];
  let nextId = 1;
  const open = (explicit: boolean, block: boolean): Transaction => ({ id: nextId++, explicit, block, statements: [] });
  let current: Transaction | undefined = assumeInTransaction ? open(false, true) : undefined;
  let openedBy: Statement | undefined;

  for (const stmt of statements) {
    const kind = as(stmt.node, "TransactionStmt")?.kind;
    const chain = as(stmt.node, "TransactionStmt")?.chain === true;
    let tx: Transaction;
    if (kind === "TRANS_STMT_BEGIN" || kind === "TRANS_STMT_START") {
      if (current) {
        problems.push({
          statement: stmt,
          message: current.explicit ? "BEGIN inside a transaction that is already open" : "BEGIN inside the transaction the migration tool opens",
          why: "PostgreSQL ignores a nested BEGIN with a WARNING; the COMMIT meant for it ends the outer transaction early, so what follows runs outside any transaction.",
        });
        tx = current;
      } else {
        tx = current = open(true, true);
        openedBy = stmt;
      }
    } else if (kind === "TRANS_STMT_COMMIT" || kind === "TRANS_STMT_ROLLBACK" || kind === "TRANS_STMT_PREPARE") {
      if (current) {
        tx = current;
        current = chain ? open(tx.explicit, true) : undefined;
      } else {
        problems.push({
          statement: stmt,
          message: "COMMIT/ROLLBACK with no transaction open",
          why: "PostgreSQL answers with a WARNING and does nothing: the statements before it were already committed one by one.",
        });
        tx = open(false, false);
      }
    } else {
      tx = current ?? open(false, false);
    }
    tx.statements.push(stmt);
    of.push(tx);
  }
  if (current?.explicit && openedBy) {
    problems.push({
      statement: openedBy,
      message: "Transaction opened with BEGIN is never committed",
      why: "At the end of the file the session closes and the open transaction is rolled back, or the migration tool commits it at a moment it did not plan for.",
    });
  }
  return { of, problems };
}
