// Each tool's history table created AS THAT TOOL CREATES IT (DDL from the tools' sources, see
// /work/shared/reference/migrations.md Part A), with realistic rows including failed and dirty
// states, some in other schemas and under renamed table names.
import type pg from "pg";

/** schema.table → tool id the detector must name, for every history table created below. */
export const EXPECTED_TOOLS: Record<string, string> = {
  "gm.schema_migrations": "golang-migrate",
  "ex.schema_migrations": "ecto",
  "rails.schema_migrations": "rails",
  "dbm.schema_migrations": "dbmate",
  "supabase_migrations.schema_migrations": "supabase",
  "ts.migrations": "typeorm",
  "php.migrations": "laravel",
  "flyway_app.schema_history": "flyway", // renamed (Flyway `table`)
  "public.databasechangelog": "liquibase",
  "py.alembic_version": "alembic",
  "public.django_migrations": "django",
  "prisma_app._prisma_migrations": "prisma",
  "ops.deploy_migrations": "knex", // renamed (Knex `tableName`), in another schema
  "store.pgmigrations": "node-pg-migrate",
  "public.SequelizeMeta": "sequelize",
  "drizzle.__drizzle_migrations": "drizzle",
  "go.goose_db_version": "goose",
  "rs._sqlx_migrations": "sqlx",
  "rs.__diesel_schema_migrations": "diesel",
  "sqitch.events": "sqitch",
  "atlas_schema_revisions.atlas_schema_revisions": "atlas",
  "graphile_migrate.migrations": "graphile-migrate",
  "kys.kysely_migration": "kysely",
  "public.mikro_orm_migrations": "mikro-orm",
  "pgroll.migrations": "pgroll",
  "reshape.migrations": "reshape",
  "cms.payload_migrations": "payload",
  "public.gorp_migrations": "sql-migrate",
  "dotnet.__EFMigrationsHistory": "ef-core",
};

const SCHEMAS = ["gm", "ex", "rails", "dbm", "ts", "php", "flyway_app", "py", "prisma_app", "ops", "store", "go", "rs", "kys", "cms", "dotnet"];

const SCHEMA_MIGRATIONS_LOOKALIKES = /* sql */ `
  -- golang-migrate: truncated and re-inserted on every step; dirty after a failed file
  CREATE TABLE IF NOT EXISTS gm.schema_migrations (version bigint not null primary key, dirty boolean not null);
  INSERT INTO gm.schema_migrations (version, dirty) VALUES (20240105120000, true);

  -- Ecto
  CREATE TABLE IF NOT EXISTS ex."schema_migrations" ("version" bigint, "inserted_at" timestamp(0), PRIMARY KEY ("version"));
  INSERT INTO ex.schema_migrations VALUES (20240101090000, '2024-01-01 09:00:05'), (20240102090000, '2024-01-02 09:00:07');

  -- Rails: schema_migrations plus ar_internal_metadata in the same schema
  CREATE TABLE rails."schema_migrations" ("version" character varying NOT NULL PRIMARY KEY);
  CREATE TABLE rails."ar_internal_metadata" ("key" character varying NOT NULL PRIMARY KEY, "value" character varying,
    "created_at" timestamp(6) NOT NULL, "updated_at" timestamp(6) NOT NULL);
  INSERT INTO rails.schema_migrations VALUES ('20231201101010'), ('20240110101010'), ('20240102101010');
  INSERT INTO rails.ar_internal_metadata VALUES ('environment', 'production', now(), now());

  -- dbmate: the same table, no metadata
  CREATE TABLE IF NOT EXISTS dbm.schema_migrations (version varchar(128) primary key);
  INSERT INTO dbm.schema_migrations VALUES ('20240301000000'), ('20240302000000');

  -- Supabase CLI
  CREATE SCHEMA IF NOT EXISTS supabase_migrations;
  CREATE TABLE IF NOT EXISTS supabase_migrations.schema_migrations (version text NOT NULL PRIMARY KEY, statements text[], name text);
  INSERT INTO supabase_migrations.schema_migrations VALUES ('20240401000000', ARRAY['create table a ()', 'create table b ()'], 'init');
`;

const MIGRATIONS_LOOKALIKES = /* sql */ `
  -- TypeORM
  CREATE TABLE "ts"."migrations" ("id" SERIAL NOT NULL, "timestamp" bigint NOT NULL, "name" character varying NOT NULL,
    CONSTRAINT "PK_8c82d7f526340ab734260ea46be" PRIMARY KEY ("id"));
  INSERT INTO ts.migrations ("timestamp", name) VALUES (1704067200000, 'Init1704067200000'), (1704153600000, 'AddUsers1704153600000');

  -- Laravel
  create table "php"."migrations" ("id" serial not null primary key, "migration" varchar(255) not null, "batch" integer not null);
  insert into php.migrations (migration, batch) values ('2014_10_12_000000_create_users_table', 1), ('2024_01_01_000000_add_orders', 2);
`;

const JVM_AND_PYTHON = /* sql */ `
  CREATE TABLE "flyway_app"."schema_history" (
    "installed_rank" INT NOT NULL, "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL,
    "script" VARCHAR(1000) NOT NULL, "checksum" INT, "installed_by" VARCHAR(100) NOT NULL,
    "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INT NOT NULL, "success" BOOLEAN NOT NULL);
  ALTER TABLE "flyway_app"."schema_history" ADD CONSTRAINT "schema_history_pk" PRIMARY KEY ("installed_rank");
  CREATE INDEX "schema_history_s_idx" ON "flyway_app"."schema_history" ("success");
  INSERT INTO flyway_app.schema_history VALUES
    (1, NULL, '<< Flyway Schema Creation >>', 'SCHEMA', '"flyway_app"', NULL, 'deploy', '2024-02-01 10:00:00', 0, true),
    (2, '1', 'init', 'SQL', 'V1__init.sql', 1234567, 'deploy', '2024-02-01 10:00:01', 35, true),
    (3, NULL, 'views', 'SQL', 'R__views.sql', -99887766, 'deploy', '2024-02-01 10:00:02', 12, true),
    (4, '2', 'add orders', 'SQL', 'V2__add_orders.sql', 7654321, 'ci', '2024-02-02 11:00:00', 820, true),
    (5, '3', 'backfill concurrently', 'SQL', 'V3__backfill_concurrently.sql', 555, 'ci', '2024-02-03 12:00:00', 41000, false);

  CREATE TABLE public.databasechangeloglock (ID INTEGER NOT NULL, LOCKED BOOLEAN NOT NULL, LOCKGRANTED TIMESTAMP WITHOUT TIME ZONE,
    LOCKEDBY VARCHAR(255), CONSTRAINT DATABASECHANGELOGLOCK_PKEY PRIMARY KEY (ID));
  INSERT INTO public.databasechangeloglock VALUES (1, TRUE, '2024-03-01 08:00:00', 'build-agent-7 (10.0.0.7)');
  CREATE TABLE public.databasechangelog (ID VARCHAR(255) NOT NULL, AUTHOR VARCHAR(255) NOT NULL, FILENAME VARCHAR(255) NOT NULL,
    DATEEXECUTED TIMESTAMP WITHOUT TIME ZONE NOT NULL, ORDEREXECUTED INTEGER NOT NULL, EXECTYPE VARCHAR(10) NOT NULL,
    MD5SUM VARCHAR(35), DESCRIPTION VARCHAR(255), COMMENTS VARCHAR(255), TAG VARCHAR(255), LIQUIBASE VARCHAR(20),
    CONTEXTS VARCHAR(255), LABELS VARCHAR(255), DEPLOYMENT_ID VARCHAR(10));
  INSERT INTO public.databasechangelog VALUES
    ('1', 'alice', 'db/changelog/001-users.xml', '2024-03-01 07:00:00', 1, 'EXECUTED', '9:aa11', 'createTable tableName=users', '', NULL, '4.29.2', NULL, NULL, '0001000001'),
    ('2', 'bob', 'db/changelog/002-idx.xml', '2024-03-01 07:00:01', 2, 'FAILED', '9:bb22', 'createIndex indexName=users_email', '', NULL, '4.29.2', NULL, NULL, '0001000001'),
    ('3', 'bob', 'db/changelog/003-orders.xml', '2024-03-01 07:00:02', 3, 'EXECUTED', '9:cc33', 'createTable tableName=orders', 'orders', NULL, '4.29.2', NULL, NULL, '0001000001'),
    ('4', 'carol', 'db/changelog/004-seed.xml', '2024-03-02 07:00:00', 4, 'MARK_RAN', '9:dd44', 'sql', '', NULL, '4.29.2', NULL, NULL, '0002000002');

  CREATE TABLE py.alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num));
  INSERT INTO py.alembic_version VALUES ('ae1027a6acf');

  CREATE TABLE "django_migrations" ("id" bigint NOT NULL PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY,
    "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" timestamp with time zone NOT NULL);
  INSERT INTO django_migrations (app, name, applied) VALUES
    ('contenttypes', '0001_initial', '2024-01-10 10:00:00+00'), ('auth', '0001_initial', '2024-01-10 10:00:01+00');
`;

const NODE_TOOLS = /* sql */ `
  CREATE TABLE IF NOT EXISTS "prisma_app"."_prisma_migrations" (
    "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
    "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
    "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0);
  INSERT INTO prisma_app._prisma_migrations VALUES
    ('a1', repeat('a', 64), '2024-04-01 10:00:02+00', '20240401_init', NULL, NULL, '2024-04-01 10:00:00+00', 1),
    ('b1', repeat('b', 64), NULL, '20240402_orders', 'ERROR: relation "orders" already exists', '2024-04-02 12:00:00+00', '2024-04-02 10:00:00+00', 0),
    ('b2', repeat('b', 64), '2024-04-02 12:30:01.5+00', '20240402_orders', NULL, NULL, '2024-04-02 12:30:00+00', 1),
    ('c1', repeat('c', 64), NULL, '20240403_index', 'ERROR: could not create unique index "users_email"', NULL, '2024-04-03 10:00:00+00', 0);

  create table "ops"."deploy_migrations" ("id" serial primary key, "name" varchar(255), "batch" integer, "migration_time" timestamptz);
  create table "ops"."deploy_migrations_lock" ("index" serial primary key, "is_locked" integer);
  insert into ops.deploy_migrations_lock (is_locked) values (1);
  insert into ops.deploy_migrations (name, batch, migration_time) values
    ('20240101_users.js', 1, '2024-01-01 00:00:00+00'), ('20240102_orders.js', 1, '2024-01-01 00:00:01+00'),
    ('20240201_items.js', 2, '2024-02-01 00:00:00+00');

  CREATE TABLE "store"."pgmigrations" (id SERIAL PRIMARY KEY, name varchar(255) NOT NULL, run_on timestamp NOT NULL);
  INSERT INTO store.pgmigrations (name, run_on) VALUES ('1700000000000_init', '2024-01-01 00:00:00');

  CREATE TABLE IF NOT EXISTS "SequelizeMeta" ("name" VARCHAR(255) NOT NULL UNIQUE , PRIMARY KEY ("name"));
  INSERT INTO "SequelizeMeta" VALUES ('20240101000000-create-user.js'), ('20240102000000-create-order.js');

  CREATE SCHEMA IF NOT EXISTS "drizzle";
  CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
  INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (repeat('d', 64), 1704067200000);

  create table "kys"."kysely_migration" ("name" varchar(255) not null primary key, "timestamp" varchar(255) not null);
  create table "kys"."kysely_migration_lock" ("id" varchar(255) not null primary key, "is_locked" integer default 0 not null);
  insert into kys.kysely_migration_lock values ('migration_lock', 0);
  insert into kys.kysely_migration values ('2024_01_01_init', '2024-01-01T00:00:00.000Z'), ('2024_02_01_more', '2024-02-01T00:00:00.000Z');

  create table "mikro_orm_migrations" ("id" serial primary key, "name" varchar(255), "executed_at" timestamptz default current_timestamp);
  insert into mikro_orm_migrations (name, executed_at) values ('Migration20240101000000', '2024-01-01 00:00:00+00');

  create table "cms"."payload_migrations" ("id" serial primary key not null, "name" varchar, "batch" numeric,
    "updated_at" timestamp(3) with time zone default now() not null, "created_at" timestamp(3) with time zone default now() not null);
  insert into cms.payload_migrations (name, batch) values ('dev', -1), ('20240101_initial', 1);
`;

const GO_RUST_DOTNET = /* sql */ `
  CREATE TABLE go.goose_db_version (id integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, version_id bigint NOT NULL,
    is_applied boolean NOT NULL, tstamp timestamp NOT NULL DEFAULT now());
  INSERT INTO go.goose_db_version (version_id, is_applied, tstamp) VALUES
    (0, true, '2024-01-01 00:00:00'), (20240101000001, true, '2024-01-01 00:00:01'), (20240101000002, true, '2024-01-01 00:00:02');

  CREATE TABLE IF NOT EXISTS rs._sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL,
    installed_on TIMESTAMPTZ NOT NULL DEFAULT now(), success BOOLEAN NOT NULL, checksum BYTEA NOT NULL, execution_time BIGINT NOT NULL);
  INSERT INTO rs._sqlx_migrations VALUES
    (20240101000000, 'init', '2024-01-01 00:00:00+00', true, '\\x0a0b', 1500000),
    (20240102000000, 'concurrent index', '2024-01-02 00:00:00+00', false, '\\x0c0d', -1);
  CREATE TABLE IF NOT EXISTS rs.__diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL,
    run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
  INSERT INTO rs.__diesel_schema_migrations VALUES ('20240101000000', '2024-01-01 00:00:00');

  CREATE TABLE "public"."gorp_migrations" ("id" text not null primary key, "applied_at" timestamp with time zone);
  INSERT INTO gorp_migrations VALUES ('1_init.sql', '2024-01-01 00:00:00+00');

  CREATE TABLE "dotnet"."__EFMigrationsHistory" ("MigrationId" character varying(150) NOT NULL,
    "ProductVersion" character varying(32) NOT NULL, CONSTRAINT "PK___EFMigrationsHistory" PRIMARY KEY ("MigrationId"));
  INSERT INTO dotnet."__EFMigrationsHistory" VALUES ('20240101000000_Init', '8.0.1');
`;

const REGISTRIES = /* sql */ `
  CREATE SCHEMA sqitch;
  CREATE TABLE sqitch.releases (version REAL PRIMARY KEY, installed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    installer_name TEXT NOT NULL, installer_email TEXT NOT NULL);
  CREATE TABLE sqitch.projects (project TEXT PRIMARY KEY, uri TEXT NULL UNIQUE, created_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    creator_name TEXT NOT NULL, creator_email TEXT NOT NULL);
  CREATE TABLE sqitch.changes (change_id TEXT PRIMARY KEY, script_hash TEXT NULL, change TEXT NOT NULL,
    project TEXT NOT NULL REFERENCES sqitch.projects(project) ON UPDATE CASCADE, note TEXT NOT NULL DEFAULT '',
    committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), committer_name TEXT NOT NULL, committer_email TEXT NOT NULL,
    planned_at TIMESTAMPTZ NOT NULL, planner_name TEXT NOT NULL, planner_email TEXT NOT NULL, UNIQUE(project, script_hash));
  CREATE TABLE sqitch.tags (tag_id TEXT PRIMARY KEY, tag TEXT NOT NULL, project TEXT NOT NULL REFERENCES sqitch.projects(project),
    change_id TEXT NOT NULL REFERENCES sqitch.changes(change_id), note TEXT NOT NULL DEFAULT '',
    committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(), committer_name TEXT NOT NULL, committer_email TEXT NOT NULL,
    planned_at TIMESTAMPTZ NOT NULL, planner_name TEXT NOT NULL, planner_email TEXT NOT NULL, UNIQUE(project, tag));
  CREATE TABLE sqitch.dependencies (change_id TEXT NOT NULL REFERENCES sqitch.changes(change_id) ON DELETE CASCADE,
    type TEXT NOT NULL, dependency TEXT NOT NULL, dependency_id TEXT NULL REFERENCES sqitch.changes(change_id),
    PRIMARY KEY (change_id, dependency));
  CREATE TABLE sqitch.events (event TEXT NOT NULL CHECK (event IN ('deploy', 'revert', 'fail', 'merge')),
    change_id TEXT NOT NULL, change TEXT NOT NULL, project TEXT NOT NULL REFERENCES sqitch.projects(project),
    note TEXT NOT NULL DEFAULT '', requires TEXT[] NOT NULL DEFAULT '{}', conflicts TEXT[] NOT NULL DEFAULT '{}',
    tags TEXT[] NOT NULL DEFAULT '{}', committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    committer_name TEXT NOT NULL, committer_email TEXT NOT NULL, planned_at TIMESTAMPTZ NOT NULL,
    planner_name TEXT NOT NULL, planner_email TEXT NOT NULL, PRIMARY KEY (change_id, committed_at));
  INSERT INTO sqitch.projects VALUES ('shop', NULL, '2024-05-01 00:00:00+00', 'Ann', 'ann@example.com');
  INSERT INTO sqitch.events (event, change_id, change, project, note, committed_at, committer_name, committer_email, planned_at, planner_name, planner_email) VALUES
    ('deploy', 'c1', 'users',   'shop', 'Adds users', '2024-05-01 10:00:00+00', 'Ann', 'ann@example.com', '2024-04-30 00:00:00+00', 'Ann', 'ann@example.com'),
    ('fail',   'c2', 'orders',  'shop', '',           '2024-05-01 10:01:00+00', 'Ann', 'ann@example.com', '2024-04-30 00:00:00+00', 'Ann', 'ann@example.com'),
    ('deploy', 'c2', 'orders',  'shop', '',           '2024-05-01 10:02:00+00', 'Ann', 'ann@example.com', '2024-04-30 00:00:00+00', 'Ann', 'ann@example.com'),
    ('revert', 'c1', 'users',   'shop', '',           '2024-05-02 10:00:00+00', 'Bo', 'bo@example.com',   '2024-04-30 00:00:00+00', 'Ann', 'ann@example.com'),
    ('fail',   'c3', 'widgets', 'shop', '',           '2024-05-03 10:00:00+00', 'Bo', 'bo@example.com',   '2024-04-30 00:00:00+00', 'Ann', 'ann@example.com');
  INSERT INTO sqitch.changes VALUES ('c2', 'hash2', 'orders', 'shop', '', '2024-05-01 10:02:00+00', 'Ann', 'ann@example.com', '2024-04-30 00:00:00+00', 'Ann', 'ann@example.com');

  CREATE SCHEMA "atlas_schema_revisions";
  CREATE TABLE "atlas_schema_revisions"."atlas_schema_revisions" ("version" character varying NOT NULL,
    "description" character varying NOT NULL, "type" bigint NOT NULL DEFAULT 2, "applied" bigint NOT NULL DEFAULT 0,
    "total" bigint NOT NULL DEFAULT 0, "executed_at" timestamptz NOT NULL, "execution_time" bigint NOT NULL,
    "error" text NULL, "error_stmt" text NULL, "hash" character varying NOT NULL, "partial_hashes" jsonb NULL,
    "operator_version" character varying NOT NULL, PRIMARY KEY ("version"));
  INSERT INTO atlas_schema_revisions.atlas_schema_revisions VALUES
    ('.atlas_cloud_identifier', 'a1b2', 2, 0, 0, '2024-06-01 00:00:00+00', 0, NULL, NULL, '', NULL, 'Atlas CLI v0.30'),
    ('20240601000000', 'init', 2, 3, 3, '2024-06-01 00:00:01+00', 25000000, NULL, NULL, 'h1', NULL, 'Atlas CLI v0.30'),
    ('20240602000000', 'add_email', 2, 1, 3, '2024-06-02 00:00:00+00', 5000000, 'pq: column "email" already exists',
     'ALTER TABLE users ADD COLUMN email text', 'h2', '["p1"]', 'Atlas CLI v0.30');

  create schema if not exists graphile_migrate;
  create table if not exists graphile_migrate.migrations (hash text primary key,
    previous_hash text references graphile_migrate.migrations, filename text not null, date timestamptz not null default now());
  create table if not exists graphile_migrate.current (filename text primary key default 'current.sql', content text not null,
    date timestamptz not null default now());
  insert into graphile_migrate.migrations values ('sha1:01', NULL, '000001.sql', '2024-07-01 00:00:00+00'),
    ('sha1:02', 'sha1:01', '000002.sql', '2024-07-02 00:00:00+00');

  CREATE SCHEMA pgroll;
  CREATE TABLE pgroll.migrations (schema NAME NOT NULL, name TEXT NOT NULL, migration JSONB NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT current_timestamp,
    updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT current_timestamp, parent TEXT, done BOOLEAN NOT NULL DEFAULT false,
    resulting_schema JSONB NOT NULL DEFAULT '{}'::jsonb, migration_type VARCHAR(32) DEFAULT 'pgroll',
    PRIMARY KEY (schema, name), FOREIGN KEY (schema, parent) REFERENCES pgroll.migrations (schema, name));
  -- the clock disagrees with the chain on purpose: the parent chain is the order
  INSERT INTO pgroll.migrations (schema, name, migration, created_at, parent, done) VALUES
    ('public', '01_create_users', '{}', '2024-08-01 00:00:00+00', NULL, true),
    ('public', '02_add_email', '{}', '2024-08-03 00:00:00+00', '01_create_users', true),
    ('public', '03_rename_name', '{}', '2024-08-02 00:00:00+00', '02_add_email', false);

  CREATE SCHEMA reshape;
  CREATE TABLE reshape.migrations (index INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT,
    actions JSONB NOT NULL, completed_at TIMESTAMP DEFAULT NOW());
  INSERT INTO reshape.migrations VALUES (0, '1_create_users', NULL, '[]', '2024-09-01 00:00:00');
`;

/** Ordinary application tables that merely look like history tables; none must be detected. */
export const LOOKALIKES = /* sql */ `
  CREATE TABLE public.releases (id serial PRIMARY KEY, version varchar(20) NOT NULL, notes text);
  INSERT INTO public.releases (version, notes) VALUES ('1.2.0', 'spring'), ('1.3.0', 'summer');
  CREATE TABLE public.app_version (version varchar(20) PRIMARY KEY);
  INSERT INTO public.app_version VALUES ('1.3.0');
  CREATE TABLE public.jobs (id serial PRIMARY KEY, name text NOT NULL, run_on timestamp);
  CREATE TABLE public.tags (name text PRIMARY KEY);
  CREATE TABLE public.events (id serial PRIMARY KEY, "timestamp" bigint NOT NULL, name varchar NOT NULL);
  -- {version bigint, dirty bool} like golang-migrate, but golang-migrate never keeps more than one row
  CREATE TABLE public.document_versions (version bigint PRIMARY KEY, dirty boolean NOT NULL);
  INSERT INTO public.document_versions VALUES (1, false), (2, true), (3, false);
`;

/** Creates every tool's history table in the connected (fresh) database. */
export async function createMigrationFixtures(client: pg.Client): Promise<void> {
  await client.query(SCHEMAS.map((s) => `CREATE SCHEMA ${s};`).join("\n"));
  for (const sql of [SCHEMA_MIGRATIONS_LOOKALIKES, MIGRATIONS_LOOKALIKES, JVM_AND_PYTHON, NODE_TOOLS, GO_RUST_DOTNET, REGISTRIES]) {
    await client.query(sql);
  }
}

export async function createLookalikes(client: pg.Client): Promise<void> {
  await client.query(LOOKALIKES);
}
