// Issue 8 item 2: large responses are not shaped on the event loop. The index findings of a
// database with thousands of unused indexes were one multi-megabyte response, validated and
// serialized per viewer; now each kind sends its largest FINDINGS_PER_KIND with the totals.
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { indexFindings } from "@/lib/pg/index-findings";
import { sizeSnapshot } from "@/lib/pg/size-measure";
import { FINDINGS_PER_KIND, IndexFindings } from "@/lib/schemas/storage";
import { connect, freshDatabase, pgServers } from "../helpers/pg";

const EXTRA = 60;

describe.each(pgServers())("PostgreSQL $major", (server) => {
  let c: pg.Client;

  beforeAll(async () => {
    c = await connect(await freshDatabase(server.url, `findings_cap_${server.major}`));
    await c.query(`CREATE TABLE small (a int)`);
    // Never scanned, each with its own predicate (so none covers another).
    await c.query(`DO $$ BEGIN FOR i IN 1..${FINDINGS_PER_KIND + EXTRA} LOOP
                     EXECUTE format('CREATE INDEX small_%s ON small (a) WHERE a > %s', i, i);
                   END LOOP; END $$`);
    await c.query(`CREATE TABLE big AS SELECT g AS a FROM generate_series(1, 50000) g`);
    await c.query(`CREATE INDEX big_a ON big (a)`);
  });
  afterAll(async () => {
    await c?.end();
  });

  test("each kind sends its largest findings, at most FINDINGS_PER_KIND, with the true totals", async () => {
    const f = IndexFindings.parse(await indexFindings(c, await sizeSnapshot(c)));
    const unused = f.findings.filter((x) => x.kind === "unused");
    expect(f.counts.unused).toBe(FINDINGS_PER_KIND + EXTRA + 1);
    expect(unused).toHaveLength(FINDINGS_PER_KIND);
    expect(unused[0]?.name).toBe("big_a"); // the one worth dropping first
    const sizes = unused.map((x) => x.sizeBytes);
    expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
    expect(JSON.stringify(f).length).toBeLessThan(200_000);
  });
});
