import "server-only";
import { qualifiedName } from "@/lib/names";
import type { RelationUser } from "@/lib/schemas/jobs";
import { CONSOLE_APPLICATION_NAME } from "./pools";
import { redactQueries } from "./query-text";
import type { Queryable } from "./types";

// Relations named by OID (what a job is queued for) and the sessions using one right now (what a
// VACUUM FULL would wait for, and then block behind its ACCESS EXCLUSIVE lock).

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

// Locks on the table, its indexes and its TOAST table (a VACUUM FULL rewrites all of them), in
// this database, with the session holding or awaiting each. An idle-in-transaction session that
// read the table once still holds ACCESS SHARE until it ends: exactly the one to know about.
const RELATION_USERS = /* sql */ `
  WITH rel AS (
    SELECT $1::oid AS oid
    UNION SELECT indexrelid FROM pg_index WHERE indrelid = $1
    UNION SELECT reltoastrelid FROM pg_class WHERE oid = $1 AND reltoastrelid <> 0
  )
  SELECT a.pid, a.usename AS user, a.application_name AS application, a.client_addr::text AS client,
         a.state, (extract(epoch FROM clock_timestamp() - a.xact_start) * 1000)::float8 AS xact_age_ms,
         left(a.query, 2000) AS query,
         array_agg(DISTINCT l.mode ORDER BY l.mode) AS modes, bool_and(l.granted) AS granted,
         (a.application_name = $2) AS console
    FROM pg_locks l
    JOIN pg_stat_activity a ON a.pid = l.pid
   WHERE l.locktype = 'relation' AND l.relation IN (SELECT oid FROM rel)
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND l.pid <> pg_backend_pid()
   GROUP BY a.pid, a.usename, a.application_name, a.client_addr, a.state, a.xact_start, a.query
   ORDER BY a.xact_start NULLS LAST, a.pid`;

/** The relation's name (null when gone) and the sessions locking it or waiting to. */
export async function relationUsers(db: Queryable, relid: number): Promise<{ relation: string | null; users: RelationUser[] }> {
  const name = await db.query(
    /* sql */ `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1`,
    [relid],
  );
  const { rows } = await db.query(RELATION_USERS, [relid, CONSOLE_APPLICATION_NAME]);
  const users = rows.map((r) => ({
    pid: r.pid,
    user: r.user,
    application: r.application,
    client: r.client,
    state: r.state,
    xactAgeMs: r.xact_age_ms,
    query: r.query,
    modes: r.modes,
    granted: r.granted,
    console: r.console === true,
  }));
  const rel = name.rows[0] as { schema: string; name: string } | undefined;
  return { relation: rel ? qualifiedName(rel.schema, rel.name) : null, users: await redactQueries(users) };
}
