import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { seedMigrationHistory } from "@/lib/demo/migration-history";
import { migrationHistory } from "@/lib/pg/migration-history";
import { MigrationHistory, type MigrationTool } from "@/lib/schemas/migrations";
import { connect, freshDatabase, pgServers, withDatabase } from "../helpers/pg";
import { createLookalikes, createMigrationFixtures, EXPECTED_TOOLS } from "../helpers/migration-fixtures";

function tool(h: MigrationHistory, schema: string, table: string): MigrationTool {
  const t = h.tools.find((x) => x.schema === schema && x.table === table);
  if (!t) throw new Error(`no tool detected for ${schema}.${table}`);
  return t;
}

describe.each(pgServers())("migration history on PG $major", (s) => {
  let db: pg.Client;
  let h: MigrationHistory;

  beforeAll(async () => {
    db = await connect(await freshDatabase(s.url, "mh_all_tools"));
    await createMigrationFixtures(db);
    await createLookalikes(db);
    h = await migrationHistory(db);
  });
  afterAll(async () => {
    await db?.end();
  });

  test("names the right tool for every history table, and nothing else", () => {
    const found = Object.fromEntries(h.tools.map((t) => [`${t.schema}.${t.table}`, t.tool]));
    expect(found).toEqual(EXPECTED_TOOLS);
    expect(MigrationHistory.parse(h)).toEqual(h);
  });

  test("resolves the schema_migrations look-alikes", () => {
    expect(tool(h, "gm", "schema_migrations").tool).toBe("golang-migrate");
    expect(tool(h, "ex", "schema_migrations").tool).toBe("ecto");
    expect(tool(h, "rails", "schema_migrations").label).toBe("Rails");
    expect(tool(h, "rails", "schema_migrations").detectedBy).toContain("ar_internal_metadata");
    expect(tool(h, "dbm", "schema_migrations").label).toBe("Rails or dbmate");
    expect(tool(h, "supabase_migrations", "schema_migrations").tool).toBe("supabase");
  });

  test("states are those the tools recorded", () => {
    const states = (schema: string, table: string) => tool(h, schema, table).entries.map((e) => e.state);
    expect(tool(h, "gm", "schema_migrations").entries).toMatchObject([{ version: "20240105120000", state: "dirty" }]);
    expect(states("flyway_app", "schema_history")).toEqual(["failed", "applied", "applied", "applied", "applied"]);
    expect(states("public", "databasechangelog")).toEqual(["applied", "applied", "failed", "applied"]);
    expect(states("prisma_app", "_prisma_migrations")).toEqual(["failed", "applied", "rolled_back", "applied"]);
    expect(states("rs", "_sqlx_migrations")).toEqual(["dirty", "applied"]);
    expect(states("atlas_schema_revisions", "atlas_schema_revisions")).toEqual(["failed", "applied"]);
    expect(states("sqitch", "events")).toEqual(["failed", "rolled_back", "applied", "failed", "applied"]);
    expect(states("pgroll", "migrations")).toEqual(["pending", "applied", "applied"]);
    expect(tool(h, "prisma_app", "_prisma_migrations").entries[0]!.error).toContain("users_email");
    expect(tool(h, "atlas_schema_revisions", "atlas_schema_revisions").entries[0]!.error).toContain("ALTER TABLE users");
  });

  test("problems list every failed, dirty and stuck-lock state, and only current Sqitch failures", () => {
    const got = h.problems.map((p) => `${p.tool}:${p.kind}:${p.version ?? ""}:${p.name ?? ""}`).sort();
    expect(got).toEqual(
      [
        "atlas:failed:20240602000000:",
        "flyway:failed:3:V3__backfill_concurrently.sql",
        "golang-migrate:dirty:20240105120000:",
        "knex:locked::deploy_migrations_lock",
        "liquibase:failed:2:db/changelog/002-idx.xml",
        "liquibase:locked::databasechangeloglock",
        "prisma:failed::20240403_index",
        "sqitch:failed::widgets",
        "sqlx:dirty:20240102000000:",
      ].sort(),
    );
    expect(h.problems.find((p) => p.tool === "liquibase" && p.kind === "locked")!.message).toContain("build-agent-7");
  });

  test("orders each timeline as the tool does, newest first", () => {
    const names = (schema: string, table: string) => tool(h, schema, table).entries.map((e) => e.name);
    const versions = (schema: string, table: string) => tool(h, schema, table).entries.map((e) => e.version);
    expect(versions("flyway_app", "schema_history")).toEqual(["3", "2", null, "1", null]);
    expect(versions("public", "databasechangelog")).toEqual(["4", "3", "2", "1"]);
    expect(tool(h, "prisma_app", "_prisma_migrations").entries.map((e) => e.appliedAt)).toEqual([
      "2024-04-03T10:00:00.000Z",
      "2024-04-02T12:30:00.000Z",
      "2024-04-02T10:00:00.000Z",
      "2024-04-01T10:00:00.000Z",
    ]);
    expect(names("ops", "deploy_migrations")).toEqual(["20240201_items.js", "20240102_orders.js", "20240101_users.js"]);
    expect(tool(h, "ops", "deploy_migrations").entries.map((e) => e.group)).toEqual(["2", "1", "1"]);
    expect(versions("go", "goose_db_version")).toEqual(["20240101000002", "20240101000001"]); // seed row 0 left out
    expect(names("sqitch", "events")).toEqual(["widgets", "users", "orders", "orders", "users"]);
    expect(names("pgroll", "migrations")).toEqual(["03_rename_name", "02_add_email", "01_create_users"]);
    expect(versions("rails", "schema_migrations")).toEqual(["20240110101010", "20240102101010", "20231201101010"]);
  });

  test("says what each tool records", () => {
    for (const [schema, table] of [["gm", "schema_migrations"], ["py", "alembic_version"]]) {
      const t = tool(h, schema!, table!);
      expect(t.keepsHistory).toBe(false);
      expect(t.note).toMatch(/only the current/);
    }
    expect(tool(h, "flyway_app", "schema_history").keepsHistory).toBe(true);
    for (const [schema, table] of [["rails", "schema_migrations"], ["dbm", "schema_migrations"], ["ts", "migrations"], ["public", "SequelizeMeta"], ["drizzle", "__drizzle_migrations"]]) {
      const t = tool(h, schema!, table!);
      expect(t.recordsTime, `${schema}.${table}`).toBe(false);
      expect(t.entries.every((e) => e.appliedAt === null)).toBe(true);
    }
    const who = h.tools.filter((t) => t.recordsWho).map((t) => t.tool).sort();
    expect(who).toEqual(["flyway", "sqitch"]);
    const flyway = tool(h, "flyway_app", "schema_history").entries;
    expect(flyway[0]).toMatchObject({ appliedBy: "ci", durationMs: 41000, kind: "SQL" });
    expect(tool(h, "rs", "_sqlx_migrations").entries.map((e) => e.durationMs)).toEqual([null, 1.5]);
    expect(tool(h, "prisma_app", "_prisma_migrations").entries[1]!.durationMs).toBe(1500);
    expect(tool(h, "sqitch", "events").entries[0]!.appliedBy).toBe("Bo <bo@example.com>");
    expect(tool(h, "ex", "schema_migrations").entries[0]!.appliedAt).toBe("2024-01-02T09:00:07.000Z");
    expect(tool(h, "kys", "kysely_migration").entries[0]!.appliedAt).toBe("2024-02-01T00:00:00.000Z");
  });

  test("caps each timeline but always keeps failed rows", async () => {
    const capped = await migrationHistory(db, { limit: 1 });
    const lb = tool(capped, "public", "databasechangelog");
    expect(lb.totalRows).toBe(4);
    expect(lb.truncated).toBe(true);
    expect(lb.entries.map((e) => e.version)).toEqual(["4", "2"]);
  });

  test("a table pgwarden's role may not read is reported with the GRANT that fixes it", async () => {
    await db.query(`DROP ROLE IF EXISTS mh_viewer`);
    await db.query(`CREATE ROLE mh_viewer LOGIN PASSWORD 'mh_viewer'`);
    await db.query(`GRANT USAGE ON SCHEMA rails TO mh_viewer; GRANT SELECT ON ALL TABLES IN SCHEMA rails TO mh_viewer`);
    const u = new URL(withDatabase(s.url, "mh_all_tools"));
    u.username = "mh_viewer";
    u.password = "mh_viewer";
    const viewer = await connect(u.toString());
    try {
      const v = await migrationHistory(viewer);
      expect(tool(v, "rails", "schema_migrations")).toMatchObject({ readable: true, totalRows: 3 });
      const fw = tool(v, "flyway_app", "schema_history");
      expect(fw.readable).toBe(false);
      expect(fw.entries).toEqual([]);
      expect(fw.grant).toBe(
        'GRANT USAGE ON SCHEMA "flyway_app" TO "mh_viewer"; GRANT SELECT ON "flyway_app"."schema_history" TO "mh_viewer";',
      );
    } finally {
      await viewer.end();
    }
  });
});

describe.each(pgServers())("a database without a migration tool on PG $major", (s) => {
  test("says so, and ignores tables that only look like history tables", async () => {
    const db = await connect(await freshDatabase(s.url, "mh_no_tool"));
    try {
      await createLookalikes(db);
      const h = await migrationHistory(db);
      expect(h).toEqual({ tools: [], problems: [], omittedTables: 0 });
    } finally {
      await db.end();
    }
  });
});

describe.each(pgServers())("the demo seed on PG $major", (s) => {
  test("creates Flyway (one failed) and Prisma histories, and is idempotent", async () => {
    const db = await connect(await freshDatabase(s.url, "mh_demo_seed"));
    try {
      await seedMigrationHistory(db);
      await seedMigrationHistory(db);
      const h = await migrationHistory(db);
      expect(h.tools.map((t) => `${t.tool}:${t.totalRows}`).sort()).toEqual(["flyway:4", "prisma:3"]);
      expect(h.problems.map((p) => `${p.tool}:${p.kind}:${p.version}`)).toEqual(["flyway:failed:3"]);
      expect(tool(h, "public", "_prisma_migrations").entries.map((e) => e.state)).toEqual(["applied", "rolled_back", "applied"]);
    } finally {
      await db.end();
    }
  });
});
