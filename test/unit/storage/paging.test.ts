// Paging on the server for storage at 10,000 tables: the Tables page chosen from the size snapshot
// (same filters and order as the SQL), and one page of each kind of index finding, largest first.
import { describe, expect, it } from "vitest";
import type { TableSizes } from "@/lib/pg/relations/size-model";
import { findingsPage, MIN_STATS_WINDOW_MS, statsWindowWarning } from "@/lib/pg/relations/findings-page";
import { indexPagedFromSnapshot, snapshotIndexPage } from "@/lib/pg/relations/index-page";
import type { IndexSnapshotEntry } from "@/lib/pg/relations/size-model";
import { pagedFromSnapshot, snapshotPage } from "@/lib/pg/relations/table-page";
import { IndexesQuery, TablesQuery, type IndexFinding } from "@/lib/schemas/storage";

const t = (oid: number, schema: string, name: string, totalBytes: number): TableSizes => ({
  oid,
  schema,
  name,
  totalBytes,
  heapBytes: totalBytes,
  indexBytes: 0,
  toastBytes: 0,
  lock: null,
  sizeExact: true,
});

const TABLES = [t(10, "public", "orders", 500), t(11, "public", "Order_items", 900), t(12, "audit", "log", 900), t(13, "public", "users", 100), t(14, "b", "a", 0)];
const q = (over: Record<string, unknown>) => TablesQuery.parse(over);

describe("Tables page from the size snapshot", () => {
  it("sorts by total size descending with the OID breaking ties, and counts every match", () => {
    expect(snapshotPage(TABLES, q({ limit: 3 }))).toEqual({ oids: [11, 12, 10], total: 5 });
    expect(snapshotPage(TABLES, q({ limit: 3, offset: 3 }))).toEqual({ oids: [13, 14], total: 5 });
    expect(snapshotPage(TABLES, q({ dir: "asc", limit: 2 }))).toEqual({ oids: [14, 13], total: 5 });
  });

  it("sorts by schema then name in byte order (the catalog's name type), both ways", () => {
    expect(snapshotPage(TABLES, q({ sort: "name", dir: "asc" })).oids).toEqual([12, 14, 11, 10, 13]);
    expect(snapshotPage(TABLES, q({ sort: "name", dir: "desc" })).oids).toEqual([13, 10, 11, 14, 12]);
  });

  it("filters like the SQL: schema equal, name contains ignoring case, minimum size; the total is the filtered count", () => {
    expect(snapshotPage(TABLES, q({ q: "ORDER" }))).toEqual({ oids: [11, 10], total: 2 });
    expect(snapshotPage(TABLES, q({ schema: "public", minSizeBytes: 200, limit: 1 }))).toEqual({ oids: [11], total: 2 });
    expect(snapshotPage(TABLES, q({ offset: 100 }))).toEqual({ oids: [], total: 5 });
  });

  it("is used only for sort keys and filters the snapshot holds", () => {
    expect(pagedFromSnapshot(q({}))).toBe(true);
    expect(pagedFromSnapshot(q({ sort: "name" }))).toBe(true);
    expect(pagedFromSnapshot(q({ sort: "dead_pct" }))).toBe(false);
    expect(pagedFromSnapshot(q({ minDeadPct: 5 }))).toBe(false);
  });
});

const f = (oid: number, kind: IndexFinding["kind"], sizeBytes: number, name = `i${oid}`): IndexFinding => ({
  kind,
  oid,
  schema: "public",
  table: "t",
  name,
  sizeBytes,
  definition: "",
  lastUsed: null,
  reason: "",
  fixSql: [],
});

describe("index findings, one page per kind", () => {
  // 30 unused in catalog order, the biggest last (as on 10,000 tables: position 9,994)
  const unused = Array.from({ length: 30 }, (_, i) => f(100 + i, "unused", (i + 1) * 1000));
  const all = [...unused, f(1, "duplicate", 50), f(2, "duplicate", 5000), f(3, "invalid", 10)];
  const offsets = { unused: 0, duplicate: 0, invalid: 0 };

  it("puts the biggest first and cuts each kind to the page size, with the counts", () => {
    const p = findingsPage(all, { limit: 5, offsets, minBytes: 0 });
    const u = p.findings.filter((x) => x.kind === "unused");
    expect(u.map((x) => x.oid)).toEqual([129, 128, 127, 126, 125]);
    expect(p.findings.filter((x) => x.kind === "duplicate").map((x) => x.oid)).toEqual([2, 1]);
    expect(p.counts).toEqual({ unused: 30, duplicate: 2, invalid: 1 });
    expect(p.totals).toEqual(p.counts);
  });

  it("pages each kind from its own offset, and moves an offset past the end to the last page", () => {
    const p = findingsPage(all, { limit: 5, offsets: { ...offsets, unused: 25 }, minBytes: 0 });
    expect(p.findings.filter((x) => x.kind === "unused").map((x) => x.oid)).toEqual([104, 103, 102, 101, 100]);
    const past = findingsPage(all, { limit: 7, offsets: { ...offsets, unused: 500, invalid: 9 }, minBytes: 0 });
    expect(past.offsets).toEqual({ unused: 28, duplicate: 0, invalid: 0 });
    expect(past.findings.filter((x) => x.kind === "unused").map((x) => x.oid)).toEqual([101, 100]);
  });

  it("leaves findings below the minimum size out of the page and the counts, but not the totals", () => {
    const p = findingsPage(all, { limit: 50, offsets, minBytes: 25_500 });
    expect(p.findings.map((x) => x.oid)).toEqual([129, 128, 127, 126, 125]);
    expect(p.counts).toEqual({ unused: 5, duplicate: 0, invalid: 0 });
    expect(p.totals).toEqual({ unused: 30, duplicate: 2, invalid: 1 });
  });

  it("breaks size ties by schema and name, so pages never overlap between polls", () => {
    const tie = [f(7, "unused", 10, "b"), f(8, "unused", 10, "a"), f(9, "unused", 10, "c")];
    expect(findingsPage(tie, { limit: 2, offsets, minBytes: 0 }).findings.map((x) => x.name)).toEqual(["a", "b"]);
    expect(findingsPage(tie, { limit: 2, offsets: { ...offsets, unused: 2 }, minBytes: 0 }).findings.map((x) => x.name)).toEqual(["c"]);
  });
});

describe("statistics window warning", () => {
  const now = Date.parse("2026-11-26T12:00:00Z");
  it("warns when the window is shorter than 7 days, saying how long it is", () => {
    expect(statsWindowWarning(new Date(now - 5 * 3600_000), now)).toMatch(/only 5 h/);
    expect(statsWindowWarning(new Date(now - 3 * 24 * 3600_000), now)).toMatch(/only 3 days/);
    expect(statsWindowWarning(new Date(now - MIN_STATS_WINDOW_MS), now)).toBeNull();
    expect(statsWindowWarning(null, now)).toMatch(/unknown/);
  });
});

describe("Indexes page from the size snapshot", () => {
  const ix = (oid: number, tableOid: number, sizeBytes: number): IndexSnapshotEntry => ({ oid, tableOid, sizeBytes, definition: "", definitionKnown: true, lock: null, sizeExact: true });
  // index 25 belongs to no table of the snapshot (not a user table's): never shown
  const sizes = { tables: new Map(TABLES.map((x) => [x.oid, x])), indexes: new Map([ix(20, 10, 300), ix(21, 12, 900), ix(22, 11, 300), ix(23, 13, 50), ix(25, 99, 5000)].map((i) => [i.oid, i])) };
  const iq = (over: Record<string, unknown>) => IndexesQuery.parse({ ...over });

  it("sorts by size with the OID breaking ties (ascending both ways, as the SQL does), and counts every user table's index", () => {
    expect(snapshotIndexPage(sizes, iq({ limit: 3 }))).toEqual({ oids: [21, 20, 22], total: 4 });
    expect(snapshotIndexPage(sizes, iq({ dir: "asc", limit: 3 }))).toEqual({ oids: [23, 20, 22], total: 4 });
    expect(snapshotIndexPage(sizes, iq({ offset: 3 }))).toEqual({ oids: [23], total: 4 });
  });

  it("filters by the schema of the index's table", () => {
    expect(snapshotIndexPage(sizes, iq({ schema: "audit" }))).toEqual({ oids: [21], total: 1 });
    expect(snapshotIndexPage(sizes, iq({ schema: "nowhere" }))).toEqual({ oids: [], total: 0 });
  });

  it("is used only for the size order without a name filter (names are not in the snapshot)", () => {
    expect(indexPagedFromSnapshot(iq({}))).toBe(true);
    expect(indexPagedFromSnapshot(iq({ schema: "public" }))).toBe(true);
    expect(indexPagedFromSnapshot(iq({ q: "orders" }))).toBe(false);
    expect(indexPagedFromSnapshot(iq({ sort: "name" }))).toBe(false);
    expect(indexPagedFromSnapshot(iq({ sort: "scans" }))).toBe(false);
  });
});
