import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintForServer } from "@/lib/lint/server";
import { lintFacts } from "@/lib/pg/lint-context";
import { closeAllPools } from "@/lib/pg/pools";
import { useServers } from "../helpers/app-env";
import { connect, freshDatabase, pgServers } from "../helpers/pg";

// Issue 15, item 2: facts from the catalog settle what one migration file cannot show.
const servers = pgServers();
const DB = "lint_context_test";
const urls = new Map<number, string>();

beforeAll(async () => {
  for (const s of servers) {
    const url = await freshDatabase(s.url, DB);
    urls.set(s.major, url);
    const c = await connect(url);
    await c.query(`
      CREATE EXTENSION citext;
      CREATE SCHEMA app;
      CREATE DOMAIN app.label AS text;
      CREATE DOMAIN app.email AS citext CHECK (VALUE LIKE '%@%');
      CREATE TABLE app.orders (id bigint PRIMARY KEY, email text, note varchar(20), code app.label, "Status" text NOT NULL, tags text[], doubled bigint GENERATED ALWAYS AS (id * 2) STORED);
      CREATE INDEX orders_note ON app.orders (lower(note));
      ALTER TABLE app.orders ADD CONSTRAINT orders_email_not_null CHECK (email IS NOT NULL) NOT VALID;
      ALTER TABLE app.orders VALIDATE CONSTRAINT orders_email_not_null;
      ALTER TABLE app.orders ADD CONSTRAINT orders_note_short CHECK (length(note) < 10) NOT VALID;
      ALTER TABLE app.orders ADD CONSTRAINT orders_status_known CHECK ("Status" <> '');
      CREATE TABLE app.events (id bigint, at date NOT NULL) PARTITION BY RANGE (at);
      CREATE TABLE app.events_2024 (id bigint, at date NOT NULL);
      ALTER TABLE app.events_2024 ADD CONSTRAINT events_2024_bound CHECK (at >= '2024-01-01' AND at < '2025-01-01');`);
    if (s.major >= 18) await c.query("ALTER TABLE app.orders ADD COLUMN ref int; ALTER TABLE app.orders ADD CONSTRAINT orders_ref_nn NOT NULL ref NOT VALID;");
    await c.end();
  }
  await useServers(servers.map((s) => ({ id: `pg${s.major}`, url: s.url })));
});

afterAll(async () => {
  await closeAllPools();
});

describe.each(servers.map((s) => [s.major] as const))("lint facts on PostgreSQL %i", (major) => {
  it("reads columns, validated CHECKs, partition keys and types of what the file asks about", async () => {
    const c = await connect(urls.get(major)!);
    try {
      await c.query("SET search_path = app, public");
      const facts = await lintFacts(c, { tables: [{ name: "orders" }, { schema: "app", name: "events" }, { name: "no_such_table" }], types: ["label", "email", "no_such_type"] });
      const col = (name: string) => facts?.columns?.find((x) => x.column === name);
      expect(col("email")).toEqual({ table: { name: "orders" }, column: "email", type: { name: "text", typmod: -1, array: false }, notNull: false, indexes: 0, checks: 1, generated: "none" });
      expect(col("doubled")?.generated).toBe("stored");
      expect(col("note")).toMatchObject({ type: { name: "varchar", typmod: 24, array: false }, indexes: 1, checks: 1 }); // an expression index uses it too
      expect(col("code")?.type).toEqual({ name: "text", typmod: -1, array: false }); // a domain column is its base type
      expect(col("Status")).toMatchObject({ notNull: true, checks: 1 });
      expect(col("tags")?.type).toEqual({ name: "text", typmod: -1, array: true });
      expect(col("id")).toMatchObject({ notNull: true, indexes: 1 });
      if (major >= 18) expect(col("ref")?.notNull).toBe(false); // NOT VALID proves nothing
      // Only validated CHECKs; the one that is exactly `email IS NOT NULL` says so.
      expect(facts?.checks?.map((k) => [k.name, k.columns, k.notNullOf ?? null])).toEqual([
        ["orders_email_not_null", ["email"], "email"],
        ["orders_status_known", ["Status"], null],
      ]);
      expect(facts?.partitionKeys).toEqual([{ table: { schema: "app", name: "events" }, columns: ["at"] }]);
      expect(facts?.types).toEqual([
        { name: "label", kind: "domain", base: { name: "text", typmod: -1, array: false }, hasChecks: false },
        { name: "email", kind: "domain", base: { name: "citext", typmod: -1, array: false }, hasChecks: true },
      ]);
      expect(await lintFacts(c, { tables: [{ name: "no_such_table" }], types: [] })).toBeNull();
    } finally {
      await c.end();
    }
  });

  it("lintForServer: the second file of the NOT NULL recipe passes, because the catalog has the validated CHECK", async () => {
    const sql = "SET lock_timeout = '2s';\nALTER TABLE app.orders ALTER COLUMN email SET NOT NULL;\nALTER TABLE app.orders DROP CONSTRAINT orders_email_not_null;";
    const res = await lintForServer(`pg${major}`, { sql, db: DB });
    expect(res.findings).toEqual([]);
    expect(res.catalogFacts?.checks?.map((k) => k.name)).toContain("orders_email_not_null");
    // Without a database there is no catalog to ask: the finding stays.
    const offline = await lintForServer(`pg${major}`, { sql });
    expect(offline.findings.map((f) => f.rule)).toEqual(["set-not-null"]);
    expect(offline.catalogFacts).toBeNull();
    // A column with no such CHECK still scans.
    const other = await lintForServer(`pg${major}`, { sql: "SET lock_timeout = '2s';\nALTER TABLE app.orders ALTER COLUMN note SET NOT NULL;", db: DB });
    expect(other.findings.map((f) => f.rule)).toEqual(["set-not-null"]);
  });

  it("lintForServer: type changes are judged on the column's real type, indexes and CHECKs", async () => {
    const lint = async (alter: string) => (await lintForServer(`pg${major}`, { sql: `SET lock_timeout = '2s';\n${alter}`, db: DB })).findings.filter((f) => f.rule === "change-column-type");
    expect(await lint("ALTER TABLE app.orders ALTER COLUMN tags TYPE text[];")).toEqual([]); // same type
    expect(await lint("ALTER TABLE app.orders ALTER COLUMN note TYPE varchar(40);")).toEqual([expect.objectContaining({ severity: "error", work: "scan" })]); // its CHECK is re-checked
    expect(await lint("ALTER TABLE app.orders ALTER COLUMN code TYPE varchar;")).toEqual([]); // domain over text → varchar: free
    expect(await lint("ALTER TABLE app.orders ALTER COLUMN id TYPE numeric;")).toEqual([expect.objectContaining({ severity: "error", work: "rewrite" })]);
    expect(await lint("ALTER TABLE app.orders ALTER COLUMN code TYPE app.email;")).toEqual([expect.objectContaining({ severity: "error", work: "rewrite" })]); // domain with a CHECK
  });

  it("lintForServer: ADD COLUMN of a domain with a CHECK is a rewrite, one without is not", async () => {
    const lint = async (sql: string) => (await lintForServer(`pg${major}`, { sql: `SET lock_timeout = '2s';\n${sql}`, db: DB })).findings.filter((f) => f.rule === "add-column-rewriting-kind");
    expect(await lint("ALTER TABLE app.orders ADD COLUMN contact app.email;")).toEqual([expect.objectContaining({ severity: "error", work: "rewrite" })]);
    expect(await lint("ALTER TABLE app.orders ADD COLUMN tag app.label;")).toEqual([]);
  });

  it("lintForServer: ATTACH PARTITION passes when the child has a validated CHECK on the partition key", async () => {
    const sql = "SET lock_timeout = '2s';\nALTER TABLE app.events ATTACH PARTITION app.events_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');";
    expect((await lintForServer(`pg${major}`, { sql, db: DB })).findings).toEqual([]);
    const [offline] = (await lintForServer(`pg${major}`, { sql })).findings;
    expect(offline?.rule).toBe("attach-without-check");
  });
});
