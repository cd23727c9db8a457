import "server-only";
import pg from "pg";
import type { BlastRadiusEntry, BlastSession, TouchedTable } from "@/lib/schemas/lint";
import { redactQueries } from "./query-text";
import type { Queryable } from "./types";

// What a migration would hit right now: for each table it locks, how big it is and which
// sessions hold (or wait for) a lock on it. Names come from the linted SQL, so they are
// resolved with to_regclass on a properly quoted name passed as a parameter: never spliced
// into SQL, and unqualified names resolve through the search_path exactly as the migration's
// would (first match).

const SERVER_VERSION_NUM = /* sql */ `SHOW server_version_num`;

export async function serverVersionNum(db: Queryable): Promise<number> {
  const { rows } = await db.query(SERVER_VERSION_NUM);
  return Number(rows[0]?.server_version_num);
}

// pg_total_relation_size opens the table with ACCESS SHARE: behind a granted or queued
// ACCESS EXCLUSIVE it would wait (and hit the console's lock_timeout). Exactly then, the size
// comes from relpages (as of the last VACUUM/ANALYZE) instead. CASE evaluates lazily.
const RELATIONS = /* sql */ `
  WITH input AS (
    SELECT ord, to_regclass(qname) AS oid
      FROM unnest($1::text[]) WITH ORDINALITY AS u(qname, ord)
  ), rel AS (
    SELECT input.ord, c.oid, n.nspname, c.relkind, c.reltuples, c.relpages, c.reltoastrelid,
           EXISTS (SELECT 1 FROM pg_locks l
                    WHERE l.locktype = 'relation' AND l.relation = c.oid
                      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                      AND l.mode = 'AccessExclusiveLock' AND l.pid <> pg_backend_pid()) AS exclusive
      FROM input
      JOIN pg_class c ON c.oid = input.oid
      JOIN pg_namespace n ON n.oid = c.relnamespace
  )
  SELECT ord, oid::int8 AS oid, nspname, relkind::text AS relkind,
         CASE WHEN reltuples < 0 THEN NULL ELSE reltuples::float8 END AS estimated_rows,
         NOT exclusive AS size_exact,
         CASE WHEN exclusive THEN
           (relpages
            + COALESCE((SELECT sum(i.relpages) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = rel.oid), 0)
            + COALESCE((SELECT t.relpages FROM pg_class t WHERE t.oid = rel.reltoastrelid), 0)
           )::float8 * current_setting('block_size')::float8
         ELSE pg_total_relation_size(oid)::float8 END AS total_bytes
    FROM rel
   ORDER BY ord`;

const SESSIONS = /* sql */ `
  SELECT l.relation::int8 AS oid, a.pid, a.usename, a.application_name, a.state, l.mode, l.granted,
         EXTRACT(EPOCH FROM now() - a.query_start)::float8 AS query_age,
         EXTRACT(EPOCH FROM now() - a.xact_start)::float8 AS xact_age,
         left(a.query, 500) AS query
    FROM pg_locks l
    JOIN pg_stat_activity a ON a.pid = l.pid
   WHERE l.locktype = 'relation'
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND l.relation = ANY($1::oid[])
     AND l.pid <> pg_backend_pid()
   ORDER BY l.relation, a.xact_start NULLS LAST, a.pid, l.mode`;

/** The name as to_regclass must see it: each part quoted, so case and odd characters survive. */
export function regclassInput(table: { schema?: string; name: string }): string {
  const name = pg.escapeIdentifier(table.name);
  return table.schema ? `${pg.escapeIdentifier(table.schema)}.${name}` : name;
}

export async function blastRadius(db: Queryable, tables: TouchedTable[]): Promise<BlastRadiusEntry[]> {
  if (tables.length === 0) return [];
  const { rows } = await db.query(RELATIONS, [tables.map(regclassInput)]);
  const byOrd = new Map(rows.map((r) => [Number(r.ord), r]));
  const oids = rows.map((r) => Number(r.oid));
  const sessions = new Map<number, BlastSession[]>();
  if (oids.length > 0) {
    const { rows: locks } = await db.query(SESSIONS, [oids]);
    for (const l of locks) {
      const list = sessions.get(Number(l.oid)) ?? [];
      list.push({
        pid: l.pid,
        user: l.usename,
        applicationName: l.application_name,
        state: l.state,
        mode: l.mode,
        granted: l.granted,
        queryAgeSeconds: l.query_age,
        xactAgeSeconds: l.xact_age,
        query: l.query,
      });
      sessions.set(Number(l.oid), list);
    }
    // Secrets out of the sessions' query text, for every role (see redact.ts).
    for (const [oid, list] of sessions) sessions.set(oid, await redactQueries(list));
  }
  return tables.map(({ lock, ...table }, i) => {
    const r = byOrd.get(i + 1);
    return {
      table,
      lock,
      found: r !== undefined,
      resolvedSchema: r?.nspname ?? null,
      relkind: r?.relkind ?? null,
      estimatedRows: r?.estimated_rows ?? null,
      totalBytes: r?.total_bytes ?? null,
      sizeExact: r?.size_exact ?? false,
      sessions: r ? (sessions.get(Number(r.oid)) ?? []) : [],
    };
  });
}
