import "server-only";
import type { SpaceQuery, SpaceResponse } from "@/lib/schemas/storage";
import { databasesRead, resolveDatabase, type DatabaseInfo } from "./databases";
import { lockInfo } from "./locks";
import { currentSizes, type SizeSnapshot, type TableSizes } from "./size-snapshot";

// Space is computed from the size snapshot alone: no extra catalog work per request.

export function topTables(sizes: SizeSnapshot, top: number): TableSizes[] {
  return [...sizes.tables.values()].sort((a, b) => b.totalBytes - a.totalBytes || a.oid - b.oid).slice(0, top);
}

export interface SchemaTotals {
  schema: string;
  tables: number;
  totalBytes: number;
  heapBytes: number;
  indexBytes: number;
  toastBytes: number;
}

export function schemaTotals(sizes: SizeSnapshot): SchemaTotals[] {
  const bySchema = new Map<string, SchemaTotals>();
  for (const t of sizes.tables.values()) {
    let s = bySchema.get(t.schema);
    if (!s) bySchema.set(t.schema, (s = { schema: t.schema, tables: 0, totalBytes: 0, heapBytes: 0, indexBytes: 0, toastBytes: 0 }));
    s.tables += 1;
    s.totalBytes += t.totalBytes;
    s.heapBytes += t.heapBytes;
    s.indexBytes += t.indexBytes;
    s.toastBytes += t.toastBytes;
  }
  return [...bySchema.values()].sort((a, b) => b.totalBytes - a.totalBytes || a.schema.localeCompare(b.schema));
}

export function spaceOverview(databases: DatabaseInfo[], sizes: SizeSnapshot, top: number): Omit<SpaceResponse, "readAt"> {
  return {
    databases: [...databases].sort((a, b) => (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0)),
    topTables: topTables(sizes, top).map((t) => ({ ...t, lock: lockInfo(t.lock) })),
    schemas: schemaTotals(sizes),
    sizesAt: sizes.takenAt,
  };
}

/** The space page: database sizes on the server, and tables/schemas of the chosen database. */
export async function spacePage(server: string, query: SpaceQuery): Promise<SpaceResponse> {
  const target = await resolveDatabase(server, query.db);
  const [databases, sizes] = await Promise.all([databasesRead(server), currentSizes(target)]);
  return { ...spaceOverview(databases.value, sizes, query.top), readAt: databases.readAt };
}
