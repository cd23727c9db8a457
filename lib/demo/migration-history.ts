import type { Queryable } from "@/lib/pg/types";

// Demo data for the migration history page: two tools' history tables, created as the tools
// create them, one of them with a failed migration so the page's problem banner has something
// to say. Idempotent: tables IF NOT EXISTS, rows only into an empty table.

const FLYWAY = /* sql */ `
  CREATE TABLE IF NOT EXISTS public.flyway_schema_history (
    installed_rank INT NOT NULL CONSTRAINT flyway_schema_history_pk PRIMARY KEY,
    version VARCHAR(50), description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL,
    script VARCHAR(1000) NOT NULL, checksum INT, installed_by VARCHAR(100) NOT NULL,
    installed_on TIMESTAMP NOT NULL DEFAULT now(), execution_time INT NOT NULL, success BOOLEAN NOT NULL);
  CREATE INDEX IF NOT EXISTS flyway_schema_history_s_idx ON public.flyway_schema_history (success);
  INSERT INTO public.flyway_schema_history
  SELECT v.* FROM (VALUES
    (1, '1', 'create accounts', 'SQL', 'V1__create_accounts.sql', 183654211, 'deploy', now()::timestamp - interval '30 days', 48, true),
    (2, '2', 'add orders', 'SQL', 'V2__add_orders.sql', -401918112, 'deploy', now()::timestamp - interval '12 days', 131, true),
    (3, NULL, 'reporting views', 'SQL', 'R__reporting_views.sql', 99001234, 'deploy', now()::timestamp - interval '12 days', 22, true),
    (4, '3', 'index orders concurrently', 'SQL', 'V3__index_orders_concurrently.sql', 77120931, 'ci-runner', now()::timestamp - interval '2 hours', 61230, false)
  ) AS v(installed_rank, version, description, type, script, checksum, installed_by, installed_on, execution_time, success)
  WHERE NOT EXISTS (SELECT 1 FROM public.flyway_schema_history)`;

const PRISMA = /* sql */ `
  CREATE TABLE IF NOT EXISTS public._prisma_migrations (
    id VARCHAR(36) PRIMARY KEY NOT NULL, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
    migration_name VARCHAR(255) NOT NULL, logs TEXT, rolled_back_at TIMESTAMPTZ,
    started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0);
  INSERT INTO public._prisma_migrations
  SELECT v.* FROM (VALUES
    ('6f1c0c55-1d0e-4c1e-9a57-0d1c7c1f0001', repeat('3f', 32), now() - interval '40 days' + interval '2 seconds',
     '20240101000000_init', NULL, NULL::timestamptz, now() - interval '40 days', 1),
    ('6f1c0c55-1d0e-4c1e-9a57-0d1c7c1f0002', repeat('a7', 32), NULL,
     '20240201000000_add_invoices', 'ERROR: relation "invoices" already exists', now() - interval '9 days', now() - interval '10 days', 0),
    ('6f1c0c55-1d0e-4c1e-9a57-0d1c7c1f0003', repeat('a7', 32), now() - interval '9 days' + interval '1 second',
     '20240201000000_add_invoices', NULL, NULL, now() - interval '9 days', 1)
  ) AS v(id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
  WHERE NOT EXISTS (SELECT 1 FROM public._prisma_migrations)`;

/** Creates Flyway (with one failed migration) and Prisma (with a rolled-back attempt) histories. */
export async function seedMigrationHistory(db: Queryable): Promise<void> {
  await db.query(FLYWAY);
  await db.query(PRISMA);
}
