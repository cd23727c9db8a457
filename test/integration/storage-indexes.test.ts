import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { indexes } from "@/lib/pg/indexes";
import { indexFindings } from "@/lib/pg/index-findings";
import { sizeNewcomers, sizeSnapshot } from "@/lib/pg/size-measure";
import type { IndexFinding } from "@/lib/schemas/storage";
import { connect, freshDatabase, pgServers } from "../helpers/pg";
import { failedUniqueIndex, scanThroughIndex, waitForIndexScans, withClient } from "../helpers/storage-fixtures";

const byKind = (fs: IndexFinding[], kind: IndexFinding["kind"]) => fs.filter((f) => f.kind === kind).map((f) => f.name).sort();

describe.each(pgServers())("storage indexes on PG $major", (server) => {
  let url: string;
  let c: pg.Client;

  beforeAll(async () => {
    url = await freshDatabase(server.url, `storage_indexes_${server.major}`);
    c = await connect(url);
    await withClient(url, async (w) => {
      await w.query(`CREATE TABLE items (id int PRIMARY KEY, a int, b int, c text)`);
      await w.query(`INSERT INTO items SELECT g, g % 100, g % 7, md5(g::text) FROM generate_series(1, 5000) g`);
      await w.query(`CREATE INDEX items_a ON items (a)`); // covered by items_a_b
      await w.query(`CREATE INDEX items_a_b ON items (a, b)`);
      await w.query(`CREATE INDEX items_a_desc ON items (a DESC)`); // other sort order: not a duplicate
      await w.query(`CREATE INDEX items_a_part ON items (a) WHERE b > 3`); // other predicate: not a duplicate
      await w.query(`CREATE INDEX items_lower_c ON items (lower(c))`);
      await w.query(`CREATE INDEX   items_lower_c_again ON items(lower( c ))`); // same expression, other text
      await w.query(`CREATE INDEX items_c_collate ON items (c COLLATE "C")`); // differs only in collation from items_c
      await w.query(`CREATE INDEX items_c ON items (c COLLATE "POSIX")`);
      await w.query(`CREATE UNIQUE INDEX items_id_a ON items (id, a)`); // unique: never reported as unused
      await w.query(`CREATE INDEX items_b_used ON items (b)`);
      await w.query(`CREATE TABLE dupes (v int)`);
      await w.query(`INSERT INTO dupes VALUES (1), (1), (2)`);
      await w.query(`ANALYZE items`);
    });
    await withClient(url, (w) => failedUniqueIndex(w, "dupes", "v", "dupes_v_unique"));
    await withClient(url, (w) => scanThroughIndex(w, `SELECT count(*) FROM items WHERE b = 3`));
    await waitForIndexScans(url, "items_b_used", 1);
  });
  afterAll(async () => {
    await c?.end();
  });

  test("unused, duplicate and invalid indexes are each found, and only they", async () => {
    const sizes = await sizeSnapshot(c);
    const { findings, statsSinceSource, statsSince, note } = await indexFindings(c, sizes);
    expect(byKind(findings, "invalid")).toEqual(["dupes_v_unique"]);
    expect(byKind(findings, "duplicate")).toEqual(["items_a", "items_lower_c_again"]);
    const unused = byKind(findings, "unused");
    expect(unused).toContain("items_a_desc");
    expect(unused).not.toContain("items_b_used"); // scanned
    expect(unused).not.toContain("items_pkey"); // primary key
    expect(unused).not.toContain("items_id_a"); // unique
    expect(unused).not.toContain("dupes_v_unique"); // reported as invalid instead

    const dup = findings.find((f) => f.kind === "duplicate" && f.name === "items_a")!;
    expect(dup.coveredBy?.name).toBe("items_a_b");
    expect(dup.fixSql).toEqual([`DROP INDEX CONCURRENTLY "public"."items_a";`]);
    expect(dup.definition).toBe("CREATE INDEX items_a ON public.items USING btree (a)");
    expect(dup.sizeBytes).toBeGreaterThan(0);
    const inv = findings.find((f) => f.kind === "invalid")!;
    expect(inv.fixSql).toEqual([`REINDEX INDEX CONCURRENTLY "public"."dupes_v_unique";`, `DROP INDEX CONCURRENTLY "public"."dupes_v_unique";`]);

    expect(["stats_reset", "server_start"]).toContain(statsSinceSource);
    expect(Date.parse(statsSince!)).toBeLessThanOrEqual(Date.now());
    expect(note).toMatch(/replica/);
  });

  test("after fixing them, nothing is reported for those indexes", async () => {
    await withClient(url, async (w) => {
      await w.query(`DELETE FROM dupes WHERE v = 1 AND ctid <> (SELECT min(ctid) FROM dupes WHERE v = 1)`);
      await w.query(`REINDEX INDEX CONCURRENTLY dupes_v_unique`);
      await w.query(`DROP INDEX CONCURRENTLY items_a`);
      await w.query(`DROP INDEX CONCURRENTLY items_lower_c_again`);
    });
    const { findings } = await indexFindings(c);
    expect(byKind(findings, "invalid")).toEqual([]);
    expect(byKind(findings, "duplicate")).toEqual([]);
  });

  test("the list: sizes and definitions from the snapshot, sort, filter, paging", async () => {
    const sizes = await sizeSnapshot(c);
    const page = await indexes(c, { sort: "scans", dir: "desc", limit: 3, offset: 0 }, sizes);
    expect(page.total).toBe(sizes.indexes.size);
    expect(page.rows).toHaveLength(3);
    expect(page.rows[0]!.name).toBe("items_b_used");
    expect(page.rows[0]!.scans).toBeGreaterThanOrEqual(1);
    const pk = (await indexes(c, { sort: "name", dir: "asc", q: "pkey", limit: 50, offset: 0 }, sizes)).rows;
    expect(pk.map((r) => r.name)).toEqual(["items_pkey"]);
    expect(pk[0]!.primary).toBe(true);
    expect(pk[0]!.definition).toBe("CREATE UNIQUE INDEX items_pkey ON public.items USING btree (id)");
    const { rows } = await c.query(`SELECT pg_relation_size('items_pkey')::int8 AS s`);
    expect(pk[0]!.sizeBytes).toBeGreaterThanOrEqual(Number(rows[0].s));
    // an index created after the snapshot is measured on first sight: definition and size
    await c.query(`CREATE INDEX items_new ON items (b, a)`);
    expect(await sizeNewcomers(c, sizes)).toBe(1);
    const fresh = (await indexes(c, { sort: "name", dir: "asc", q: "items_new", limit: 50, offset: 0 }, sizes)).rows;
    expect(fresh[0]!.definition).toBe("CREATE INDEX items_new ON public.items USING btree (b, a)");
    const { rows: created } = await c.query(`SELECT pg_relation_size('items_new')::int8 AS s`);
    expect(fresh[0]!.sizeBytes).toBe(Number(created[0].s));
    expect(fresh[0]!.sizeBytes).toBeGreaterThan(0);
    expect(fresh[0]!.sizeExact).toBe(true);
  });
});
