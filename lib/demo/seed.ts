// The demo database: real tables with thousands of rows and the problems pgwarden exists to show
// (an unused index, a duplicate index, dead tuples autovacuum will not clean up, a lock-prone table).
import type { Queryable } from "@/lib/pg/types";

export const DEMO_DATABASE = "shop";
export const DEMO_APP_ROLE = "shop_app";
export const DEMO_CONSOLE_ROLE = "pgwarden";

/** Roles, run on the `postgres` database as superuser. Passwords are demo-only and printed. */
export const DEMO_ROLES = /* sql */ `
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'shop_app') THEN
    CREATE ROLE shop_app LOGIN PASSWORD 'shop_app';
  END IF;
  -- The console's role as the README recommends: monitoring and signalling, never superuser.
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgwarden') THEN
    CREATE ROLE pgwarden LOGIN PASSWORD 'pgwarden' NOSUPERUSER;
  END IF;
END $$;
GRANT pg_monitor, pg_signal_backend TO pgwarden;
`;

/** pg_maintain exists from PostgreSQL 17; earlier versions need table ownership or superuser. */
export const GRANT_MAINTAIN = /* sql */ `GRANT pg_maintain TO pgwarden`;

/** Extensions need a superuser; run in the demo database before seeding. */
export const DEMO_EXTENSIONS = /* sql */ `
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
CREATE EXTENSION IF NOT EXISTS pgstattuple;
`;

const SCHEMA = /* sql */ `
CREATE TABLE IF NOT EXISTS customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  country text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS products (
  id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  title text NOT NULL,
  price_cents int NOT NULL
);
CREATE TABLE IF NOT EXISTS orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers(id),
  status text NOT NULL,
  total_cents int NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS order_items (
  order_id bigint NOT NULL REFERENCES orders(id),
  product_id int NOT NULL REFERENCES products(id),
  qty int NOT NULL
);
CREATE TABLE IF NOT EXISTS inventory (
  product_id int PRIMARY KEY REFERENCES products(id),
  qty int NOT NULL
);
CREATE TABLE IF NOT EXISTS inventory_audit (
  id int PRIMARY KEY,
  note text
);
-- Autovacuum off here so the dead tuples stay for the demo (pgwarden flags this setting too).
CREATE TABLE IF NOT EXISTS sessions_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint,
  payload text,
  seen_at timestamptz DEFAULT now()
) WITH (autovacuum_enabled = false);
CREATE INDEX IF NOT EXISTS orders_customer_idx ON orders (customer_id);
-- A duplicate: its key columns are a prefix of this one's.
CREATE INDEX IF NOT EXISTS orders_customer_created_idx ON orders (customer_id, created_at);
-- Never used by any query of the workload.
CREATE INDEX IF NOT EXISTS customers_country_idx ON customers (country);
CREATE INDEX IF NOT EXISTS sessions_log_customer_idx ON sessions_log (customer_id);
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO shop_app;
`;

const DATA = /* sql */ `
INSERT INTO customers (email, name, country)
  SELECT 'user' || g || '@example.com', 'Customer ' || g, (ARRAY['DE','FR','US','JP','BR'])[1 + g % 5]
    FROM generate_series(1, 20000) g;
INSERT INTO products (sku, title, price_cents)
  SELECT 'SKU-' || g, 'Product ' || g, 100 + (g * 37) % 10000 FROM generate_series(1, 500) g;
INSERT INTO inventory SELECT id, 100 FROM products;
INSERT INTO inventory_audit VALUES (1, 'stock check');
INSERT INTO orders (customer_id, status, total_cents, created_at)
  SELECT 1 + (g * 7919) % 20000, (ARRAY['new','paid','shipped'])[1 + g % 3], (g * 13) % 50000,
         now() - (g || ' minutes')::interval
    FROM generate_series(1, 50000) g;
INSERT INTO order_items SELECT o, 1 + (o * 31) % 500, 1 + o % 4 FROM generate_series(1, 50000) o;
INSERT INTO sessions_log (customer_id, payload)
  SELECT 1 + g % 20000, repeat('x', 200) FROM generate_series(1, 60000) g;
-- Dead tuples: two thirds of the log rewritten, and autovacuum is off for it.
UPDATE sessions_log SET payload = repeat('y', 200) WHERE id % 3 <> 0;
DELETE FROM sessions_log WHERE id % 5 = 0;
`;

/**
 * Run from a NEW connection after seeding: the seeding backend reports its row counts when it
 * ends, and an ANALYZE before that would leave every table looking "changed since analyze".
 * After the rewrite above, so relpages includes the dead space (the bloat the demo shows).
 */
export const DEMO_ANALYZE = /* sql */ `ANALYZE`;

export const BACKEND_PID = /* sql */ `SELECT pg_backend_pid() AS pid`;
export const SESSION_ALIVE = /* sql */ `SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1) AS alive`;

/**
 * Read access for the console's role, run last (after every demo table exists): pg_stats shows
 * widths (bloat estimates) and history tables (migrations page) only to roles that may SELECT them.
 */
export const DEMO_READ_GRANT = /* sql */ `GRANT SELECT ON ALL TABLES IN SCHEMA public TO pgwarden`;

export async function seedDemo(db: Queryable): Promise<void> {
  await db.query(SCHEMA);
  const { rows } = await db.query(/* sql */ `SELECT count(*)::int AS n FROM customers`);
  if (rows[0].n === 0) await db.query(DATA);
}
