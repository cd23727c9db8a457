import type { IndexesQuery } from "@/lib/schemas/storage";
import type { SizeSnapshot } from "./size-model";

// Choosing a page of the Indexes page from the size snapshot, like the Tables page does
// (./table-page.ts): at 20,000 indexes, reading pg_stat_user_indexes for every index with a window
// count and sending the 20,000 sizes as parameters cost ≈ 150 ms per poll for 50 rows.
// Pure: no database access.

type IndexesOptions = Pick<IndexesQuery, "sort" | "dir" | "schema" | "q" | "limit" | "offset">;

/**
 * Whether the page can be chosen from the snapshot: sorted by size (the default), without the name
 * filter (the snapshot holds neither index names nor table names per index; it holds the schema
 * through the index's table).
 */
export function indexPagedFromSnapshot(opts: IndexesOptions): boolean {
  return opts.sort === "size" && !opts.q;
}

/**
 * The OIDs of one page and the total: the snapshot's indexes of user tables (the set
 * pg_stat_user_indexes shows), filtered by schema, sorted by size (NULLS are not possible here)
 * then OID, as the SQL orders them.
 */
export function snapshotIndexPage(sizes: Pick<SizeSnapshot, "indexes" | "tables">, opts: IndexesOptions): { oids: number[]; total: number } {
  const rows = [...sizes.indexes.values()].filter((i) => {
    const table = sizes.tables.get(i.tableOid);
    return table !== undefined && (!opts.schema || table.schema === opts.schema);
  });
  const sign = opts.dir === "asc" ? 1 : -1;
  rows.sort((a, b) => sign * (a.sizeBytes - b.sizeBytes) || a.oid - b.oid);
  return { oids: rows.slice(opts.offset, opts.offset + opts.limit).map((i) => i.oid), total: rows.length };
}
