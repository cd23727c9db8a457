import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureParser } from "@/lib/lint/parse";
import { typeChangeCost, typeSpecFromText } from "@/lib/lint/type-change";
import { connect, freshDatabase, pgServers } from "../helpers/pg";
import { TYPE_CHANGES } from "../unit/lint/type-change-cases";

// The linter's type-change table against the real thing: for each pair, a table with an index on
// the column is altered, and the relation file numbers tell whether the table was rewritten
// (pg_relation_filenode of the table changes) or only its index rebuilt.
const servers = pgServers();
const DB = "type_change_test";
const clients = new Map<number, pg.Client>();

beforeAll(async () => {
  await ensureParser();
  for (const s of servers) {
    const c = await connect(await freshDatabase(s.url, DB));
    await c.query("CREATE EXTENSION IF NOT EXISTS citext");
    clients.set(s.major, c);
  }
});

afterAll(async () => {
  for (const c of clients.values()) await c.end();
});

async function measure(c: pg.Client, from: string, to: string, timeZone: string): Promise<string> {
  await c.query("DROP TABLE IF EXISTS tc");
  await c.query(`CREATE TABLE tc (id int, c ${from})`);
  await c.query("CREATE INDEX tc_c ON tc (c)");
  await c.query(`SET TimeZone = '${timeZone}'`);
  const files = async () => (await c.query("SELECT pg_relation_filenode('tc') AS t, pg_relation_filenode('tc_c') AS i")).rows[0];
  const before = await files();
  await c.query(`ALTER TABLE tc ALTER COLUMN c TYPE ${to}`);
  const after = await files();
  return before.t !== after.t ? "rewrite" : before.i !== after.i ? "index" : "free";
}

describe.each(servers.map((s) => [s.major] as const))("type changes on PostgreSQL %i", (major) => {
  it.each(TYPE_CHANGES)("%s → %s costs what the table says", async (from, to) => {
    const c = clients.get(major)!;
    const { rows } = await c.query("SELECT current_setting('server_version_num')::int AS v");
    const predicted = typeChangeCost(typeSpecFromText(from), typeSpecFromText(to), rows[0].v);
    // Under TimeZone UTC the prediction is the table's; elsewhere a UTC-only change rewrites.
    expect(await measure(c, from, to, "UTC")).toBe(predicted.cost);
    expect(await measure(c, from, to, "Europe/Paris")).toBe(predicted.utcOnly ? "rewrite" : predicted.cost);
  });
});

describe.each(servers.map((s) => [s.major] as const))("a binary-compatible change on PostgreSQL %i", (major) => {
  it("re-checks the column's CHECK constraints with a scan, and only then", async () => {
    const c = clients.get(major)!;
    const scans = async (check: string) => {
      await c.query(`DROP TABLE IF EXISTS tc; CREATE TABLE tc (id int, c varchar(10)${check}); INSERT INTO tc SELECT g, 'x' FROM generate_series(1, 50) g`);
      await c.query("BEGIN");
      try {
        await c.query("ALTER TABLE tc ALTER COLUMN c TYPE varchar(20)");
        const { rows } = await c.query("SELECT pg_stat_get_xact_numscans('tc'::regclass)::int AS n");
        return rows[0].n as number;
      } finally {
        await c.query("ROLLBACK");
      }
    };
    expect(await scans("")).toBe(0);
    expect(await scans(", CHECK (c <> '')")).toBe(1);
  });
});
