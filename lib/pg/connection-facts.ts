import "server-only";
import type pg from "pg";

// What each new connection to a monitored server learns first: enough to tell whether it took a
// reserved slot (lib/pg/pools.ts keeps at most one), and to word a later 53300 with its fix.

/** What a fresh connection learnt about the server; the 53300 message uses the last one seen. */
export interface ConnectionFacts {
  versionNum: number;
  role: string;
  superuser: boolean;
  maxConnections: number;
  superuserReserved: number;
  /** reserved_connections (16+), 0 before */
  reserved: number;
  /** client backends on the server right after this connection was made, this one included */
  clientBackends: number;
}

// One statement, autocommit, no settings: also valid through PgBouncer and on a standby.
// backend_type is NULL in rows the role may not see (no pg_read_all_stats): those with a user
// and a database are counted as client backends too (launchers have neither), erring towards "reserved".
const CONNECTION_FACTS = /* sql */ `
  SELECT current_setting('server_version_num')::int AS version_num, current_user AS role,
         coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false) AS superuser,
         current_setting('max_connections')::int AS max_connections,
         current_setting('superuser_reserved_connections')::int AS superuser_reserved,
         coalesce(nullif(current_setting('reserved_connections', true), '')::int, 0) AS reserved,
         (SELECT count(*) FROM pg_stat_activity
           WHERE backend_type = 'client backend' OR (backend_type IS NULL AND usesysid IS NOT NULL AND datid IS NOT NULL))::int AS client_backends`;

/**
 * A connection took a slot that only privileged roles may use (superuser_reserved_connections,
 * or reserved_connections on 16+): the slots above max_connections − both reserves.
 */
export function inReservedRange(f: ConnectionFacts): boolean {
  return f.clientBackends > f.maxConnections - f.superuserReserved - f.reserved;
}

export async function connectionFacts(client: Pick<pg.Client, "query">): Promise<ConnectionFacts> {
  const r = (await client.query(CONNECTION_FACTS)).rows[0];
  return {
    versionNum: r.version_num,
    role: r.role,
    superuser: r.superuser,
    maxConnections: r.max_connections,
    superuserReserved: r.superuser_reserved,
    reserved: r.reserved,
    clientBackends: r.client_backends,
  };
}
