// The statements collector's read of pg_stat_statements on real servers (issue 13): after the
// first snapshot the server sends only the statements whose calls changed, and the keys of those
// that left pg_stat_statements, while the counts of entries stay those of the whole view.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { statementKey } from "@/lib/monitoring/statement-deltas";
import { readStatementSnapshot, type StatementSnapshot } from "@/lib/pg/statements";
import { connect, freshDatabase, pgServers } from "../helpers/pg";
import { teardownTestConsole, useTestConsole } from "../helpers/store";

describe.each(pgServers())("pg_stat_statements snapshot read on PG $major", (s) => {
  const server = `pssread${s.major}`;
  let work: pg.Client;

  async function snap(since?: StatementSnapshot): Promise<StatementSnapshot> {
    const r = await readStatementSnapshot(server, since && { rows: since.rows, statsReset: since.statsReset, postmasterStart: since.postmasterStart });
    if ("unavailable" in r) throw new Error(r.message);
    return r;
  }
  async function queryidOf(marker: string): Promise<string> {
    const { rows } = await work.query(
      `SELECT queryid::text AS q FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND query LIKE 'SELECT count(*) FROM ' || $1`,
      [marker],
    );
    expect(rows).toHaveLength(1);
    return rows[0].q;
  }

  beforeAll(async () => {
    const dbUrl = await freshDatabase(s.url, `statements_read_${s.major}`);
    await useTestConsole({ storeServerUrl: s.url, storeName: `statements_read_st_${s.major}`, servers: [{ id: server, url: dbUrl }] });
    work = await connect(dbUrl, "statements-read-work");
    await work.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    // Distinct tables: column aliases are not part of a queryid.
    for (const t of ["ran_once", "ran_twice", "not_again"]) {
      await work.query(`CREATE TABLE ${t} (id int)`);
      await work.query(`SELECT count(*) FROM ${t}`);
    }
  });
  afterAll(async () => {
    await work?.end();
    await teardownTestConsole();
  });

  test("only changed statements are sent after the first snapshot; gone ones come back as keys", async () => {
    const first = await snap();
    expect(first.complete).toBe(true);
    const ranOnce = await queryidOf("ran_once");
    const ranTwice = await queryidOf("ran_twice");
    const notAgain = await queryidOf("not_again");
    const row = (sn: StatementSnapshot, q: string) => sn.rows.find((r) => r.queryid === q);
    expect(row(first, notAgain)?.calls).toBe(1);

    await work.query("SELECT count(*) FROM ran_twice");
    await work.query("SELECT count(*) FROM ran_twice");
    // Someone else removes one entry (pg_stat_statements_reset(userid, dbid, queryid), 12+).
    await work.query("SELECT pg_stat_statements_reset(0, 0, $1::bigint)", [ranOnce]);
    const second = await snap(first);
    expect(second.complete).toBe(false);
    expect(row(second, ranTwice)?.calls).toBe(3);
    expect(row(second, notAgain)).toBeUndefined(); // unchanged: not sent
    expect(second.rows.length).toBeLessThan(first.rows.length);
    const gone = row(first, ranOnce)!;
    expect(second.gone).toContain(statementKey(gone));
    expect(second.gone).not.toContain(statementKey(row(first, notAgain)!));
    // The counts are those of the whole view: the one entry fewer, give or take the console's own new ones.
    expect(second.entries).toBeGreaterThanOrEqual(first.rows.length - 1);
    expect(second.hidden).toBe(0);
  });

  test("after a pg_stat_statements_reset() of everything the whole view is read again", async () => {
    const notAgain = await queryidOf("not_again");
    const before = await snap();
    expect(before.rows.find((r) => r.queryid === notAgain)?.calls).toBe(1);
    await work.query("SELECT pg_stat_statements_reset()");
    await work.query("SELECT count(*) FROM not_again");
    // pg_stat_statements_info.stats_reset moved (14+): every entry counts from zero, so the entry
    // whose calls are again 1 — the same as before the reset — is sent, not skipped as unchanged.
    const after = await snap(before);
    expect(after.complete).toBe(true);
    expect(after.rows.find((r) => r.queryid === notAgain)?.calls).toBe(1);
  });
});
