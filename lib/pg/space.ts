import "server-only";
import { escapeIdentifier } from "pg";
import type { SpaceQuery, SpaceResponse } from "@/lib/schemas/storage";
import { cacheKey } from "./cache-keys";
import { cached } from "./cache";
import { databaseSizes, resolveDatabase, type DatabaseInfo } from "./databases";
import { lockInfo } from "./locks";
import { read } from "./run";
import { currentSizes, type SizeSnapshot, type TableSizes } from "./size-snapshot";
import type { Queryable } from "./types";

// Tables and schemas come from the size snapshot alone; database sizes and WAL are per server,
// read with the size snapshot's lifetime (lib/pg/databases.ts databaseSizes).

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

export type WalSize = SpaceResponse["wal"];

// pg_ls_waldir() is granted to pg_monitor (and superusers) only. The privilege is asked first so
// a console without it says which GRANT shows WAL, rather than failing the whole page.
const WAL_SIZE = /* sql */ `
  SELECT has_function_privilege('pg_ls_waldir()', 'EXECUTE') AS allowed, current_user AS role`;
const WAL_FILES = /* sql */ `SELECT count(*)::int8 AS files, coalesce(sum(size), 0)::int8 AS bytes FROM pg_ls_waldir()`;

export async function walSize(db: Queryable): Promise<WalSize> {
  const { allowed, role } = (await db.query(WAL_SIZE)).rows[0];
  if (!allowed) {
    return { bytes: null, files: null, note: `WAL size needs pg_monitor: GRANT pg_monitor TO ${escapeIdentifier(role)};` };
  }
  const r = (await db.query(WAL_FILES)).rows[0];
  return { bytes: r.bytes, files: r.files, note: null };
}

export function spaceOverview(databases: DatabaseInfo[], sizes: SizeSnapshot, top: number, wal: WalSize = { bytes: null, files: null, note: null }): Omit<SpaceResponse, "readAt"> {
  return {
    wal,
    databases: [...databases].sort((a, b) => (b.sizeBytes ?? 0) - (a.sizeBytes ?? 0)),
    topTables: topTables(sizes, top).map((t) => ({ ...t, lock: lockInfo(t.lock) })),
    schemas: schemaTotals(sizes),
    sizesAt: sizes.takenAt,
  };
}

/** The space page: database sizes on the server, and tables/schemas of the chosen database. */
export async function spacePage(server: string, query: SpaceQuery): Promise<SpaceResponse> {
  const target = await resolveDatabase(server, query.db);
  const [databases, sizes, wal] = await Promise.all([
    databaseSizes(server),
    currentSizes(target),
    // Per server, like database sizes; WAL files come and go every checkpoint, a minute is fine.
    cached(cacheKey({ server }, "wal-size"), () => read({ server }, walSize)),
  ]);
  // Every figure here comes from a snapshot: the page is as old as its sizes.
  return { ...spaceOverview(databases, sizes, query.top, wal), readAt: sizes.takenAt };
}
