import { describe, expect, it } from "vitest";
import { RULES, type LintOptions } from "@/lib/lint";
import { findingsOf } from "./helpers";

// Every rule: SQL that makes it fire, and a near miss (the safe form, or the same statement in a
// context where it is harmless) that must not. Version- and transaction-sensitive rules have
// cases on both sides of the boundary.
type Case = [sql: string, options?: LintOptions];
const PG = (v: number) => ({ serverVersionNum: v });
const TX = { assumeInTransaction: true };

const CASES: Record<string, { fires: Case[]; nearMiss: Case[] }> = {
  "index-not-concurrent": {
    fires: [["CREATE INDEX i ON t (c);"], ["CREATE UNIQUE INDEX ON app.orders (id) WHERE id > 0;"]],
    nearMiss: [["CREATE INDEX CONCURRENTLY i ON t (c);"], ["CREATE TABLE t (c int); CREATE INDEX i ON t (c);"], ["CREATE INDEX i ON ONLY p (c);"]],
  },
  "concurrent-in-tx": {
    fires: [
      ["BEGIN; CREATE INDEX CONCURRENTLY i ON t (c); COMMIT;"],
      ["CREATE INDEX CONCURRENTLY i ON t (c);", TX],
      ["BEGIN; DROP INDEX CONCURRENTLY i; COMMIT;"],
      ["BEGIN; REINDEX INDEX CONCURRENTLY i; COMMIT;"],
      ["BEGIN; ALTER TABLE p DETACH PARTITION p1 CONCURRENTLY; COMMIT;"],
      ["VACUUM (ANALYZE) t;", TX],
      ["BEGIN; REINDEX SCHEMA app; COMMIT;"],
    ],
    nearMiss: [
      ["CREATE INDEX CONCURRENTLY i ON t (c);"],
      ["BEGIN; SELECT 1; COMMIT; CREATE INDEX CONCURRENTLY i ON t (c);"],
      ["VACUUM (ANALYZE) t;"],
      ["ANALYZE t;", TX],
    ],
  },
  "drop-index-not-concurrent": {
    fires: [["DROP INDEX i;"], ["DROP INDEX IF EXISTS app.i, app.j;"]],
    nearMiss: [["DROP INDEX CONCURRENTLY i;"], ["CREATE INDEX CONCURRENTLY i ON t (c); DROP INDEX i;"]],
  },
  "reindex-not-concurrent": {
    fires: [["REINDEX INDEX i;"], ["REINDEX TABLE t;"], ["REINDEX TABLE t;", PG(110000)]],
    nearMiss: [["REINDEX INDEX CONCURRENTLY i;"], ["REINDEX (VERBOSE) TABLE CONCURRENTLY t;"]],
  },
  "add-column-volatile-default": {
    fires: [
      ["ALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid();"],
      ["ALTER TABLE t ADD COLUMN at timestamptz NOT NULL DEFAULT clock_timestamp();"],
      ["ALTER TABLE t ADD COLUMN n int DEFAULT 0;", PG(100000)],
      ["ALTER TABLE t ADD COLUMN n int DEFAULT my_func();"],
    ],
    nearMiss: [
      ["ALTER TABLE t ADD COLUMN at timestamptz DEFAULT now();"],
      ["ALTER TABLE t ADD COLUMN n int NOT NULL DEFAULT 0;", PG(110000)],
      ["ALTER TABLE t ADD COLUMN n int DEFAULT NULL;", PG(100000)],
      ["CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN id uuid DEFAULT gen_random_uuid();"],
    ],
  },
  "add-column-rewriting-kind": {
    fires: [
      ["ALTER TABLE t ADD COLUMN id bigserial;"],
      ["ALTER TABLE t ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY;"],
      ["ALTER TABLE t ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) STORED;"],
      ["CREATE DOMAIN positive AS int CHECK (VALUE > 0); ALTER TABLE t ADD COLUMN n positive;"],
    ],
    nearMiss: [
      ["ALTER TABLE t ADD COLUMN id bigint;"],
      ["ALTER TABLE t ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) VIRTUAL;", PG(180000)],
      ["CREATE DOMAIN label AS text; ALTER TABLE t ADD COLUMN n label;"],
    ],
  },
  "virtual-generated-column": {
    fires: [
      ["ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (a * 2) VIRTUAL;", PG(170000)],
      ["CREATE TABLE t (a int, d int GENERATED ALWAYS AS (a * 2));", PG(160000)],
    ],
    nearMiss: [["ALTER TABLE t ADD COLUMN d int GENERATED ALWAYS AS (a * 2);", PG(180000)], ["CREATE TABLE t (a int, d int GENERATED ALWAYS AS (a * 2) STORED);", PG(170000)]],
  },
  "add-column-required": {
    fires: [["ALTER TABLE t ADD COLUMN c int NOT NULL;"]],
    nearMiss: [["ALTER TABLE t ADD COLUMN c int NOT NULL DEFAULT 0;"], ["ALTER TABLE t ADD COLUMN c int;"], ["CREATE TABLE t (a int); ALTER TABLE t ADD COLUMN c int NOT NULL;"]],
  },
  "set-not-null": {
    fires: [
      ["ALTER TABLE t ALTER COLUMN c SET NOT NULL;"],
      ["ALTER TABLE t ADD CONSTRAINT t_c_nn NOT NULL c;", PG(180000)],
      // Before 12 a validated CHECK does not spare SET NOT NULL its scan.
      ["ALTER TABLE t ADD CONSTRAINT c_nn CHECK (c IS NOT NULL) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c_nn; ALTER TABLE t ALTER c SET NOT NULL;", PG(110000)],
    ],
    nearMiss: [
      ["ALTER TABLE t ADD CONSTRAINT c_nn CHECK (c IS NOT NULL) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c_nn; ALTER TABLE t ALTER c SET NOT NULL;", PG(120000)],
      ["ALTER TABLE t ADD CONSTRAINT t_c_nn NOT NULL c NOT VALID;", PG(180000)],
      ["ALTER TABLE t ALTER COLUMN c DROP NOT NULL;"],
    ],
  },
  "fk-without-not-valid": {
    fires: [["ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);"], ["ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id);"]],
    nearMiss: [
      ["ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;"],
      ["CREATE TABLE orders (id bigint, user_id bigint REFERENCES users (id));"],
    ],
  },
  "check-without-not-valid": {
    fires: [["ALTER TABLE t ADD CONSTRAINT price_positive CHECK (price > 0);"]],
    nearMiss: [["ALTER TABLE t ADD CONSTRAINT price_positive CHECK (price > 0) NOT VALID;"], ["CREATE TABLE t (price int); ALTER TABLE t ADD CHECK (price > 0);"]],
  },
  "validate-same-tx": {
    fires: [
      ["BEGIN; ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c; COMMIT;"],
      ["ALTER TABLE t ADD COLUMN x int; ALTER TABLE t VALIDATE CONSTRAINT c;", TX],
    ],
    nearMiss: [
      ["BEGIN; ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID; COMMIT; BEGIN; ALTER TABLE t VALIDATE CONSTRAINT c; COMMIT;"],
      ["ALTER TABLE t ADD CONSTRAINT c CHECK (a > 0) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT c;"],
    ],
  },
  "unique-constraint": {
    fires: [["ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);"], ["ALTER TABLE users ADD COLUMN handle text UNIQUE;"]],
    nearMiss: [["ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;"]],
  },
  "primary-key": {
    fires: [["ALTER TABLE t ADD PRIMARY KEY (id);"]],
    nearMiss: [["ALTER TABLE t ADD CONSTRAINT t_pkey PRIMARY KEY USING INDEX t_pkey;"], ["CREATE TABLE t (id bigint); ALTER TABLE t ADD PRIMARY KEY (id);"]],
  },
  "exclusion-constraint": {
    fires: [["ALTER TABLE booking ADD CONSTRAINT no_overlap EXCLUDE USING gist (room WITH =, during WITH &&);"]],
    nearMiss: [["CREATE TABLE booking (room int, during tsrange, EXCLUDE USING gist (room WITH =, during WITH &&));"]],
  },
  "change-column-type": {
    fires: [["ALTER TABLE t ALTER COLUMN c TYPE bigint;"], ["ALTER TABLE t ALTER COLUMN c TYPE text;"], ["ALTER TABLE t ALTER c TYPE int USING c::int;"]],
    nearMiss: [["CREATE TABLE t (c int); ALTER TABLE t ALTER COLUMN c TYPE bigint;"], ["ALTER TABLE t ALTER COLUMN c SET DEFAULT 0;"]],
  },
  rename: {
    fires: [
      ["ALTER TABLE t RENAME COLUMN a TO b;"],
      ["ALTER TABLE t RENAME TO u;"],
      ["ALTER SCHEMA s RENAME TO r;"],
      ["ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';"],
      // Without a transaction the old name is gone between the two statements.
      ["ALTER TABLE public.t RENAME TO u; CREATE VIEW public.t AS SELECT * FROM public.u;"],
    ],
    nearMiss: [
      ["ALTER INDEX i RENAME TO j;"],
      ["CREATE TABLE t (a int); ALTER TABLE t RENAME COLUMN a TO b;"],
      // The rename recipe: a view under the old name, in the same transaction.
      ["BEGIN; ALTER TABLE public.t RENAME TO u; CREATE VIEW public.t AS SELECT * FROM public.u; COMMIT;"],
    ],
  },
  "drop-column": {
    fires: [["ALTER TABLE t DROP COLUMN c;"]],
    nearMiss: [["CREATE TABLE t (c int, d int); ALTER TABLE t DROP COLUMN c;"], ["ALTER TABLE t DROP CONSTRAINT c;"]],
  },
  "drop-table": {
    fires: [["DROP TABLE t;"], ["DROP TABLE IF EXISTS a, b CASCADE;"]],
    nearMiss: [["CREATE TABLE tmp (a int); DROP TABLE tmp;"], ["DROP VIEW t;"]],
  },
  "drop-schema": { fires: [["DROP SCHEMA s CASCADE;"]], nearMiss: [["CREATE SCHEMA s;"]] },
  "drop-database": { fires: [["DROP DATABASE d;"]], nearMiss: [["CREATE DATABASE d;"]] },
  "drop-not-null": {
    fires: [["ALTER TABLE t ALTER COLUMN c DROP NOT NULL;"]],
    nearMiss: [["CREATE TABLE t (c int NOT NULL); ALTER TABLE t ALTER COLUMN c DROP NOT NULL;"]],
  },
  "truncate-cascade": { fires: [["TRUNCATE a, b CASCADE;"]], nearMiss: [["TRUNCATE a, b;"]] },
  "missing-lock-timeout": {
    fires: [
      ["ALTER TABLE t ADD COLUMN c int;"],
      ["SET lock_timeout = 0; ALTER TABLE t ADD COLUMN c int;"],
      ["BEGIN; SET LOCAL lock_timeout = '1s'; ALTER TABLE t ADD COLUMN c int; COMMIT; ALTER TABLE t ADD COLUMN d int;"],
      ["SET lock_timeout = '1s'; RESET lock_timeout; CREATE INDEX i ON t (c);"],
      ["DROP TRIGGER orders_audit ON public.orders;"],
      // A new table's foreign key locks the referenced table SHARE ROW EXCLUSIVE.
      ["CREATE TABLE public.items (id bigint, order_id bigint REFERENCES public.orders (id));"],
    ],
    nearMiss: [
      ["SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN c int;"],
      ["SELECT set_config('lock_timeout', '2s', false); ALTER TABLE t ADD COLUMN c int;"],
      // SHARE UPDATE EXCLUSIVE does not conflict with writes: waiting for it queues no traffic.
      ["CREATE INDEX CONCURRENTLY i ON t (c);"],
      ["CREATE TABLE t (c int); ALTER TABLE t ADD COLUMN d int;"],
      ["CREATE TABLE public.items (id bigint, order_id bigint);"],
      ["CREATE TABLE public.o (id bigint PRIMARY KEY); CREATE TABLE public.items (id bigint, order_id bigint REFERENCES public.o (id));"],
    ],
  },
  "detach-not-concurrent": {
    fires: [["ALTER TABLE p DETACH PARTITION p2020;"], ["ALTER TABLE p DETACH PARTITION p2020;", PG(130000)]],
    nearMiss: [["ALTER TABLE p DETACH PARTITION p2020 CONCURRENTLY;"]],
  },
  "attach-without-check": {
    fires: [["ALTER TABLE p ATTACH PARTITION p2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"]],
    nearMiss: [
      [
        "ALTER TABLE p2024 ADD CONSTRAINT b CHECK (at >= '2024-01-01' AND at < '2025-01-01') NOT VALID; ALTER TABLE p2024 VALIDATE CONSTRAINT b; ALTER TABLE p ATTACH PARTITION p2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
      ],
      ["CREATE TABLE p2024 (at date); ALTER TABLE p ATTACH PARTITION p2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');"],
    ],
  },
  "table-rewrite": {
    fires: [
      ["VACUUM FULL t;"],
      ["CLUSTER t USING t_pkey;"],
      ["ALTER TABLE t SET TABLESPACE fast;"],
      ["ALTER TABLE t SET LOGGED;"],
      ["ALTER TABLE t SET ACCESS METHOD heap2;"],
      ["ALTER TABLE ALL IN TABLESPACE slow SET TABLESPACE fast;"],
      ["ALTER TABLE t ALTER COLUMN total SET EXPRESSION AS (price * qty);", PG(170000)],
      ["ALTER TABLE t ALTER COLUMN total SET EXPRESSION AS (price * qty);"],
    ],
    nearMiss: [
      ["VACUUM (ANALYZE) t;"],
      ["VACUUM (FULL false) t;"],
      ["ALTER TABLE t SET (fillfactor = 70);"],
      ["ALTER TABLE t ADD COLUMN total numeric GENERATED ALWAYS AS (price * qty) VIRTUAL; ALTER TABLE t ALTER COLUMN total SET EXPRESSION AS (price * qty * 2);"],
    ],
  },
  "backfill-in-ddl-tx": {
    fires: [["BEGIN; ALTER TABLE t ADD COLUMN c int; UPDATE t SET c = 1 WHERE id < 100; COMMIT;"], ["UPDATE t SET c = 0;"], ["DELETE FROM t;"]],
    nearMiss: [
      // Alembic ends every migration with this one-row update, inside the migration's transaction.
      ["ALTER TABLE t ADD COLUMN c int; UPDATE alembic_version SET version_num='b2' WHERE alembic_version.version_num = 'a1';", TX],
      ["BEGIN; ALTER TABLE t ADD COLUMN c int; DELETE FROM schema_migrations; INSERT INTO schema_migrations (version, dirty) VALUES (3, false); COMMIT;"],
      ["UPDATE t SET c = 0 WHERE id BETWEEN 1 AND 1000;"],
      ["BEGIN; ALTER TABLE t ADD COLUMN c int; COMMIT; UPDATE t SET c = 1 WHERE id < 100;"],
      ["CREATE TABLE t (c int); UPDATE t SET c = 0;"],
    ],
  },
  "refresh-matview": { fires: [["REFRESH MATERIALIZED VIEW m;"]], nearMiss: [["REFRESH MATERIALIZED VIEW CONCURRENTLY m;"], ["CREATE MATERIALIZED VIEW m AS SELECT 1 AS a; REFRESH MATERIALIZED VIEW m;"]] },
  "enum-add-value": {
    fires: [["ALTER TYPE mood ADD VALUE 'meh';"], ["BEGIN; ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok'; COMMIT;", PG(110000)]],
    nearMiss: [["ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok';"], ["ALTER TYPE mood RENAME VALUE 'a' TO 'b';"]],
  },
  "enum-value-used-in-tx": {
    fires: [
      ["BEGIN; ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok'; UPDATE t SET m = 'meh' WHERE id = 1; COMMIT;"],
      ["ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok'; ALTER TABLE t ALTER COLUMN m SET DEFAULT 'meh';", TX],
    ],
    nearMiss: [
      ["BEGIN; ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok'; COMMIT; UPDATE t SET m = 'meh' WHERE id = 1;"],
      ["ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok'; UPDATE t SET m = 'meh' WHERE id = 1;"],
      ["BEGIN; ALTER TYPE mood ADD VALUE 'meh' AFTER 'ok'; UPDATE t SET m = 'ok' WHERE id = 1; COMMIT;"],
    ],
  },
  "dynamic-sql": {
    fires: [["DO $$ BEGIN ALTER TABLE t ADD COLUMN c int; END $$;"], ["CALL add_partitions(2025);"]],
    nearMiss: [["CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;"], ["SELECT f();"]],
  },
  "transaction-nesting": {
    fires: [["BEGIN; BEGIN; SELECT 1; COMMIT;"], ["SELECT 1; COMMIT;"], ["BEGIN; CREATE TABLE a (i int);"], ["BEGIN; SELECT 1; COMMIT;", TX]],
    nearMiss: [["BEGIN; CREATE TABLE a (i int); COMMIT;"], ["CREATE TABLE a (i int);", TX]],
  },
  "prefer-jsonb": { fires: [["CREATE TABLE a (j json);"], ["ALTER TABLE a ADD COLUMN j json;"]], nearMiss: [["CREATE TABLE a (j jsonb);"]] },
  "prefer-timestamptz": { fires: [["CREATE TABLE a (at timestamp);"], ["ALTER TABLE a ALTER at TYPE timestamp;"]], nearMiss: [["CREATE TABLE a (at timestamptz);"]] },
  "prefer-text": { fires: [["CREATE TABLE a (code char(3));"], ["CREATE TABLE a (name varchar(50));"]], nearMiss: [["CREATE TABLE a (name text, other varchar);"]] },
  "prefer-bigint-id": {
    fires: [["CREATE TABLE a (id serial PRIMARY KEY);"], ["CREATE TABLE a (id int, PRIMARY KEY (id));"], ["CREATE TABLE a (id int GENERATED ALWAYS AS IDENTITY);"]],
    nearMiss: [["CREATE TABLE a (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, n int);"]],
  },
  "identifier-too-long": {
    fires: [[`CREATE TABLE ${"a".repeat(64)} (id bigint);`], [`CREATE INDEX "${"é".repeat(32)}" ON t (c);`]],
    nearMiss: [[`CREATE TABLE ${"a".repeat(63)} (id bigint);`]],
  },
  "unqualified-name": { fires: [["ALTER TABLE t ADD COLUMN c int;"]], nearMiss: [["ALTER TABLE public.t ADD COLUMN c int;"], ["CREATE TEMP TABLE x (a int);"]] },
  "prefer-robust-stmts": {
    fires: [["CREATE TABLE a (i int);"], ["CREATE INDEX CONCURRENTLY i ON t (c);"], ["DROP TABLE a;"]],
    nearMiss: [["CREATE TABLE IF NOT EXISTS a (i int);"], ["CREATE TABLE a (i int);", TX], ["CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON t (c);"]],
  },
  "domain-check": {
    fires: [["CREATE DOMAIN positive AS int CHECK (VALUE > 0);"]],
    nearMiss: [["CREATE DOMAIN label AS text NOT NULL;"], ["ALTER DOMAIN positive ADD CONSTRAINT p CHECK (VALUE > 0);"]],
  },
  "domain-add-check": {
    fires: [["ALTER DOMAIN positive ADD CONSTRAINT p CHECK (VALUE > 0);"], ["ALTER DOMAIN label SET NOT NULL;"]],
    nearMiss: [["ALTER DOMAIN positive ADD CONSTRAINT p CHECK (VALUE > 0) NOT VALID;"], ["ALTER DOMAIN label DROP NOT NULL;"], ["CREATE DOMAIN positive AS int CHECK (VALUE > 0);"]],
  },
  "concurrent-index-pg14-bug": {
    fires: [["CREATE INDEX CONCURRENTLY i ON t (c);", PG(140002)], ["REINDEX INDEX CONCURRENTLY i;", PG(140000)]],
    nearMiss: [["CREATE INDEX CONCURRENTLY i ON t (c);", PG(140004)], ["CREATE INDEX CONCURRENTLY i ON t (c);", PG(130010)]],
  },
  "index-too-many-columns": { fires: [["CREATE INDEX CONCURRENTLY i ON t (a, b, c, d);"]], nearMiss: [["CREATE INDEX CONCURRENTLY i ON t (a, b, c) INCLUDE (d);"]] },
};

describe("lint rules", () => {
  it("has fire and near-miss cases for every rule", () => {
    expect(RULES.length).toBeGreaterThanOrEqual(20);
    for (const rule of RULES) {
      expect(CASES[rule.id]?.fires.length, rule.id).toBeGreaterThan(0);
      expect(CASES[rule.id]?.nearMiss.length, rule.id).toBeGreaterThan(0);
    }
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  for (const [rule, { fires, nearMiss }] of Object.entries(CASES)) {
    describe(rule, () => {
      it.each(fires)("fires on %s", async (sql, options) => {
        const found = await findingsOf(rule, sql, options);
        expect(found.length).toBeGreaterThan(0);
        for (const f of found) {
          expect(f.why.length).toBeGreaterThan(20);
          expect(f.recipe?.summary.length ?? 0).toBeGreaterThan(5);
        }
      });
      it.each(nearMiss)("does not fire on %s", async (sql, options) => {
        expect(await findingsOf(rule, sql, options)).toEqual([]);
      });
    });
  }
});
