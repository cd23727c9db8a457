import "server-only";
import type { Queryable } from "./types";

// Relations named by OID (what a job is queued for), with what the server is. Who locks a relation
// is a lock question: lib/pg/locks.ts.

// One row even when no OID matches: which database this is and whether it can run maintenance.
const RELATIONS = /* sql */ `
  SELECT current_database() AS database, pg_is_in_recovery() AS standby,
         current_setting('server_version_num')::int AS version,
         current_setting('block_size')::int AS block_size,
         (SELECT en.nspname FROM pg_extension e JOIN pg_namespace en ON en.oid = e.extnamespace
           WHERE e.extname = 'pgstattuple') AS pgstattuple_schema,
         coalesce((SELECT json_agg(json_build_object('oid', c.oid::int8, 'schema', n.nspname, 'name', c.relname, 'kind', c.relkind, 'am', am.amname))
                     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_am am ON am.oid = c.relam
                    WHERE c.oid = ANY($1::oid[])), '[]') AS relations`;

export interface NamedRelation {
  oid: number;
  schema: string;
  name: string;
  kind: string;
  /** access method (indexes: btree, gin, …) */
  am: string | null;
}

export interface RelationsByOid {
  database: string;
  standby: boolean;
  version: number;
  blockSize: number;
  /** where pgstattuple is installed in this database; null when it is not */
  pgstattupleSchema: string | null;
  relations: Map<number, NamedRelation>;
}

/** The relations among `oids` that exist in this database, and what the server is. */
export async function relationsByOid(db: Queryable, oids: number[]): Promise<RelationsByOid> {
  const r = (await db.query(RELATIONS, [oids])).rows[0];
  const relations = new Map<number, NamedRelation>();
  for (const x of r.relations as NamedRelation[]) relations.set(Number(x.oid), { ...x, oid: Number(x.oid) });
  return { database: r.database, standby: r.standby, version: r.version, blockSize: r.block_size, pgstattupleSchema: r.pgstattuple_schema, relations };
}

/** The database a connection is in (a server URL's default, for jobs recorded by name). */
export async function currentDatabase(db: Queryable): Promise<string> {
  return (await db.query(/* sql */ `SELECT current_database() AS name`)).rows[0].name;
}
