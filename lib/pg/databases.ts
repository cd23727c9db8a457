import "server-only";
import { DomainError } from "@/lib/errors";
import { cacheKey, scopePrefix } from "./cache-keys";
import { cached, invalidateReads } from "./cache";
import { backgroundRead, coalescedRead, timed } from "./run";
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

/** The connectable databases (names only) with the time they were read (the database picker). */
export function databasesRead(server: string): Promise<{ value: DatabaseName[]; readAt: number }> {
  return coalescedRead({ server }, "databases", timed(connectableDatabases));
}

export async function serverDatabases(server: string): Promise<DatabaseName[]> {
  return (await databasesRead(server)).value;
}

/** The route's answer: the database picker's list. */
export async function databasesPage(server: string): Promise<{ databases: DatabaseName[]; readAt: number }> {
  const { value: databases, readAt } = await databasesRead(server);
  return { databases, readAt };
}

/** Size of every connectable database, for the Space page: the size snapshot's lifetime (cache-keys.ts). */
export function databaseSizes(server: string): Promise<DatabaseInfo[]> {
  return cached(cacheKey({ server }, "database-sizes"), () => backgroundRead({ server }, databaseSizesOf));
}

/**
 * Turns a database name from the request into a Target, only if the server lists it as
 * connectable: the name is checked against pg_database, never used to build a conninfo.
 */
export async function resolveDatabase(server: string, name: string | undefined): Promise<Target> {
  if (name === undefined) return { server };
  const has = (list: DatabaseName[]) => list.some((d) => d.name === name);
  let known = await serverDatabases(server);
  if (!has(known)) {
    // The list is kept for a while (cache-keys.ts): a database created since is looked for again.
    invalidateReads(scopePrefix({ server, database: "" }));
    known = await serverDatabases(server);
  }
  if (!has(known)) {
    throw new DomainError("not_found", "unknown_database", "No connectable database with that name on this server.");
  }
  return { server, database: name };
}
