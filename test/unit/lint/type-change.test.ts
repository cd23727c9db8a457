import { beforeAll, describe, expect, it } from "vitest";
import { lintSql } from "@/lib/lint";
import { ensureParser } from "@/lib/lint/parse";
import { typeChangeCost, typeSpecFromText } from "@/lib/lint/type-change";
import type { LintFacts } from "@/lib/schemas/lint";
import { findingsOf } from "./helpers";
import { TYPE_CHANGES } from "./type-change-cases";

beforeAll(() => ensureParser());

// Issue 15, item 3: the type-change table by (from, to, version). The same pairs run against
// PostgreSQL 18 and 14 in test/integration/type-change.test.ts.
describe("the type-change table", () => {
  it.each(TYPE_CHANGES)("%s → %s: %s (PostgreSQL 18)", (from, to, expected) => {
    const got = typeChangeCost(typeSpecFromText(from), typeSpecFromText(to), 180000);
    expect(got.utcOnly ? `${got.cost} (UTC)` : got.cost).toBe(expected);
  });

  it("follows the server version: no support functions before 9.2, timestamptz relabel from 12", () => {
    const spec = typeSpecFromText;
    expect(typeChangeCost(spec("varchar(10)"), spec("varchar(20)"), 90100).cost).toBe("rewrite");
    expect(typeChangeCost(spec("timestamp"), spec("timestamptz"), 110000).cost).toBe("rewrite");
    expect(typeChangeCost(spec("timestamp"), spec("timestamptz"), 120000)).toEqual({ cost: "index", utcOnly: true });
  });
});

describe("change-column-type findings", () => {
  // The false errors: these can be free, so without the old type they are warnings.
  it.each(["citext", "timestamp(6)", "time(6)", "interval(6)", "varchar(200)", "numeric(14,2)", "timestamptz"])("TYPE %s with an unknown old type is a warning that says when it is free", async (type) => {
    const [f] = await findingsOf("change-column-type", `ALTER TABLE t ALTER COLUMN c TYPE ${type};`);
    expect(f).toMatchObject({ severity: "warning", work: "none" });
    expect(f?.message).toContain("free only if");
  });

  it("TYPE bigint rewrites from any other type: an error", async () => {
    const [f] = await findingsOf("change-column-type", "ALTER TABLE t ALTER COLUMN c TYPE bigint;");
    expect(f).toMatchObject({ severity: "error", work: "rewrite" });
  });

  it("knows the old type of a column added earlier in the file", async () => {
    const added = "ALTER TABLE t ADD COLUMN c varchar(20);\n";
    expect(await findingsOf("change-column-type", `${added}ALTER TABLE t ALTER COLUMN c TYPE varchar(40);`)).toEqual([]);
    expect((await findingsOf("change-column-type", `${added}ALTER TABLE t ALTER COLUMN c TYPE varchar(10);`))[0]).toMatchObject({ severity: "error", work: "rewrite" });
    // An index on it: citext needs another operator class, so the index is rebuilt.
    const indexed = `${added}CREATE INDEX CONCURRENTLY i ON t (c);\nALTER TABLE t ALTER COLUMN c TYPE citext;`;
    expect((await findingsOf("change-column-type", indexed))[0]).toMatchObject({ severity: "error", work: "build" });
    const checked = `${added}ALTER TABLE t ADD CONSTRAINT c_not_blank CHECK (c <> '') NOT VALID;\nALTER TABLE t ALTER COLUMN c TYPE text;`;
    expect((await findingsOf("change-column-type", checked))[0]).toMatchObject({ severity: "error", work: "scan" });
  });

  it("uses catalog facts: old type, indexes and CHECKs", async () => {
    const facts = (indexes: number, checks: number): LintFacts => ({
      columns: [{ table: { name: "users" }, column: "email", type: { name: "text", typmod: -1, array: false }, notNull: true, indexes, checks }],
    });
    const sql = "ALTER TABLE users ALTER COLUMN email TYPE citext;";
    expect(await findingsOf("change-column-type", sql, { facts: facts(0, 0) })).toEqual([]);
    expect((await findingsOf("change-column-type", sql, { facts: facts(2, 0) }))[0]).toMatchObject({ severity: "error", work: "build", message: expect.stringContaining("rebuilds indexes") });
    expect((await findingsOf("change-column-type", "ALTER TABLE users ALTER COLUMN email TYPE varchar(5);", { facts: facts(0, 0) }))[0]).toMatchObject({ severity: "error", work: "rewrite" });
  });

  it("timestamp → timestamptz is free of a rewrite only under TimeZone UTC", async () => {
    const facts: LintFacts = { columns: [{ table: { name: "t" }, column: "at", type: { name: "timestamp", typmod: -1, array: false }, notNull: false, indexes: 0, checks: 0 }] };
    const alter = "ALTER TABLE t ALTER COLUMN at TYPE timestamptz;";
    expect((await findingsOf("change-column-type", alter, { facts }))[0]?.message).toContain("TimeZone = 'UTC'");
    expect(await findingsOf("change-column-type", `SET TimeZone = 'UTC';\n${alter}`, { facts })).toEqual([]);
    expect((await findingsOf("change-column-type", `SET TimeZone = 'UTC';\n${alter}`, { facts, serverVersionNum: 110000 }))[0]?.work).toBe("rewrite");
  });

  it("USING the column itself (or cast to the new type) is no USING at all; anything else rewrites", async () => {
    const added = "ALTER TABLE t ADD COLUMN c varchar(20);\n";
    expect(await findingsOf("change-column-type", `${added}ALTER TABLE t ALTER COLUMN c TYPE varchar(40) USING c::varchar(40);`)).toEqual([]);
    expect((await findingsOf("change-column-type", `${added}ALTER TABLE t ALTER COLUMN c TYPE varchar(40) USING lower(c);`))[0]).toMatchObject({ severity: "error", work: "rewrite" });
  });

  it("a domain created in the file: with a CHECK it rewrites, without it is its base type", async () => {
    const added = "ALTER TABLE t ADD COLUMN c text;\n";
    expect((await findingsOf("change-column-type", `CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');\n${added}ALTER TABLE t ALTER COLUMN c TYPE email;`))[0]).toMatchObject({ severity: "error", work: "rewrite" });
    expect(await findingsOf("change-column-type", `CREATE DOMAIN label AS text;\n${added}ALTER TABLE t ALTER COLUMN c TYPE label;`)).toEqual([]);
  });

  it("asks the catalog about the table when it could not decide", async () => {
    const { catalogQuestions } = await lintSql("ALTER TABLE app.users ALTER COLUMN email TYPE citext;");
    expect(catalogQuestions.tables).toEqual([{ schema: "app", name: "users" }]);
  });
});
