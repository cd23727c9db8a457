import "server-only";
import { DomainError } from "@/lib/errors";
import { coalescedRead, timed } from "./run";
import type { Target } from "./pools";
import type { Queryable } from "./types";

const CONNECTABLE_DATABASES = /* sql */ `
  SELECT datname AS name, pg_database_size(oid) AS size_bytes
    FROM pg_database
   WHERE datallowconn AND NOT datistemplate
     AND has_database_privilege(datname, 'CONNECT')
   ORDER BY datname`;

export interface DatabaseInfo {
  name: string;
  sizeBytes: number | null;
}

export async function connectableDatabases(db: Queryable): Promise<DatabaseInfo[]> {
  const { rows } = await db.query(CONNECTABLE_DATABASES);
  return rows.map((r) => ({ name: r.name, sizeBytes: r.size_bytes }));
}

/** The connectable databases with the time they were read (the database picker; space page). */
export function databasesRead(server: string): Promise<{ value: DatabaseInfo[]; readAt: number }> {
  return coalescedRead({ server }, "databases", timed(connectableDatabases));
}

export async function serverDatabases(server: string): Promise<DatabaseInfo[]> {
  return (await databasesRead(server)).value;
}

/** The route's answer: the database picker's list. */
export async function databasesPage(server: string): Promise<{ databases: DatabaseInfo[]; readAt: number }> {
  const { value: databases, readAt } = await databasesRead(server);
  return { databases, readAt };
}

/**
 * Turns a database name from the request into a Target, only if the server lists it as
 * connectable: the name is checked against pg_database, never used to build a conninfo.
 */
export async function resolveDatabase(server: string, name: string | undefined): Promise<Target> {
  if (name === undefined) return { server };
  const known = await serverDatabases(server);
  if (!known.some((d) => d.name === name)) {
    throw new DomainError("not_found", "unknown_database", "No connectable database with that name on this server.");
  }
  return { server, database: name };
}
