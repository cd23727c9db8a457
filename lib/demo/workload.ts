// The statements of the demo workload. The driver (timers, reconnects) is lib/cli/demo-workload.ts.

/** A steady trickle of short queries. */
export const SHORT_QUERIES = [
  /* sql */ `SELECT id, status, total_cents FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 10`,
  /* sql */ `SELECT p.title, i.qty FROM inventory i JOIN products p ON p.id = i.product_id WHERE i.product_id = $1`,
  /* sql */ `UPDATE customers SET name = name WHERE id = $1`,
  /* sql */ `INSERT INTO sessions_log (customer_id, payload) VALUES ($1, 'visit')`,
] as const;

/** A report that runs far too long: the thing to find and cancel. */
export const RUNAWAY_QUERY = /* sql */ `
  SELECT c.country, count(*), pg_sleep(600) IS NULL AS slow
    FROM orders o JOIN customers c ON c.id = o.customer_id
   GROUP BY c.country`;

/**
 * The same report when it finishes (2 s): pg_stat_statements records a statement only when it
 * completes — a cancelled runaway never shows — and its constant is normalized, so both are one
 * statement on the Queries page, where this one is what the report costs over time.
 */
export const REPORT_QUERY = RUNAWAY_QUERY.replace("pg_sleep(600)", "pg_sleep(2)");

/** A worker that opened a transaction, changed a row and went quiet. */
export const IDLE_IN_TRANSACTION = [
  /* sql */ `BEGIN`,
  /* sql */ `UPDATE orders SET status = status WHERE id = 1`,
] as const;

/**
 * The lock chain: root holds a row of inventory; w1 holds a row of inventory_audit and waits for
 * root; w2 waits for w1; w3 waits for root.
 */
export const CHAIN = {
  root: [/* sql */ `BEGIN`, /* sql */ `UPDATE inventory SET qty = qty - 1 WHERE product_id = 1`],
  w1: [/* sql */ `BEGIN`, /* sql */ `UPDATE inventory_audit SET note = 'recount' WHERE id = 1`],
  w1wait: /* sql */ `UPDATE inventory SET qty = qty + 1 WHERE product_id = 1`,
  w2wait: /* sql */ `UPDATE inventory_audit SET note = 'audit' WHERE id = 1`,
  w3wait: /* sql */ `SELECT qty FROM inventory WHERE product_id = 1 FOR UPDATE`,
} as const;
