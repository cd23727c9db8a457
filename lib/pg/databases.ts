import "server-only";
import { ApiError } from "@/lib/api/errors";
import { coalesceStale } from "./coalesce";
import { backgroundRead, coalescedRead } from "./run";
import type { Target } from "./pools";
import type { Queryable } from "./types";

// Names only: every database-scoped request validates ?db= against this list, so it must stay
// cheap. pg_database_size() stat()s every file of a database (120–300 ms each at 10,000 tables):
// sizes are read for the Space page alone, with the size snapshot's lifetime (databaseSizes).
const CONNECTABLE_DATABASES = /* sql */ `
  SELECT datname AS name
    FROM pg_database
   WHERE datallowconn AND NOT datistemplate
     AND has_database_privilege(datname, 'CONNECT')
   ORDER BY datname`;

const DATABASE_SIZES = /* sql */ `
  SELECT datname AS name, pg_database_size(oid) AS size_bytes
    FROM pg_database
   WHERE datallowconn AND NOT datistemplate
     AND has_database_privilege(datname, 'CONNECT')
   ORDER BY datname`;

export interface DatabaseName {
  name: string;
}

export interface DatabaseInfo {
  name: string;
  sizeBytes: number | null;
}

export async function connectableDatabases(db: Queryable): Promise<DatabaseName[]> {
  const { rows } = await db.query(CONNECTABLE_DATABASES);
  return rows.map((r) => ({ name: r.name }));
}

export async function databaseSizesOf(db: Queryable): Promise<DatabaseInfo[]> {
  const { rows } = await db.query(DATABASE_SIZES);
  return rows.map((r) => ({ name: r.name, sizeBytes: r.size_bytes }));
}

export function serverDatabases(server: string): Promise<DatabaseName[]> {
  return coalescedRead({ server }, "databases", connectableDatabases);
}

// Same lifetime as the size snapshot (lib/pg/size-snapshot.ts): sizes change slowly.
const SIZES_TTL_MS = 60_000;
const SIZES_MAX_STALE_MS = 10 * 60_000;

/** Size of every connectable database, for the Space page: at most once a minute per server. */
export function databaseSizes(server: string): Promise<DatabaseInfo[]> {
  return coalesceStale(`database-sizes\u0000${server}`, SIZES_TTL_MS, SIZES_MAX_STALE_MS, () => backgroundRead({ server }, databaseSizesOf));
}

/**
 * Turns a database name from the request into a Target, only if the server lists it as
 * connectable: the name is checked against pg_database, never used to build a conninfo.
 */
export async function resolveDatabase(server: string, name: string | undefined): Promise<Target> {
  if (name === undefined) return { server };
  const known = await serverDatabases(server);
  if (!known.some((d) => d.name === name)) {
    throw new ApiError(404, "unknown_database", "No connectable database with that name on this server.");
  }
  return { server, database: name };
}
