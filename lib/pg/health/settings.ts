import "server-only";
import pg from "pg";
import type { HealthFinding } from "@/lib/schemas/health";
import type { Queryable } from "../types";
import { finding, fmtInt, type CheckOutput, type Seeing, type Thresholds } from "./types";

// Server-wide figures against their settings: connections, cache hit, checkpoints, timeouts.

const CONNECTIONS = /* sql */ `
  SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS used,
         current_setting('max_connections')::int AS max,
         current_setting('superuser_reserved_connections')::int AS su_reserved,
         coalesce(current_setting('reserved_connections', true), '0')::int AS reserved`;

const CACHE = /* sql */ `
  SELECT sum(blks_hit)::float8 AS hit, sum(blks_read)::float8 AS read, min(stats_reset)::text AS since,
         current_setting('block_size')::int AS block_size
    FROM pg_stat_database`;

const checkpointsSql = (versionNum: number) =>
  versionNum >= 170000
    ? /* sql */ `SELECT num_timed::float8 AS timed, num_requested::float8 AS requested, stats_reset::text AS since, current_setting('max_wal_size') AS max_wal_size FROM pg_stat_checkpointer`
    : /* sql */ `SELECT checkpoints_timed::float8 AS timed, checkpoints_req::float8 AS requested, stats_reset::text AS since, current_setting('max_wal_size') AS max_wal_size FROM pg_stat_bgwriter`;

export const TIMEOUTS = [
  { name: "statement_timeout", suggested: "30s" },
  { name: "lock_timeout", suggested: "10s" },
  { name: "idle_in_transaction_session_timeout", suggested: "60s" },
] as const;

// Settings per level: the server's (pg_settings, after postgresql.conf and ALTER SYSTEM), the
// current database's, and each login role's (for every database or this one).
const TIMEOUT_LEVELS = /* sql */ `
  SELECT 'server' AS level, NULL::text AS role, name, setting
    FROM pg_settings WHERE name = ANY($1::text[])
  UNION ALL
  SELECT CASE WHEN s.setrole = 0 THEN 'database' ELSE 'role' END, r.rolname::text, split_part(c, '=', 1), split_part(c, '=', 2)
    FROM pg_db_role_setting s CROSS JOIN LATERAL unnest(s.setconfig) AS c
    LEFT JOIN pg_roles r ON r.oid = s.setrole
   WHERE (s.setdatabase = 0 AND s.setrole <> 0)
      OR s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())`;

// Roles an application logs in with: not superusers, not the console's own role.
const LOGIN_ROLES = /* sql */ `
  SELECT rolname::text AS name FROM pg_roles
   WHERE rolcanlogin AND NOT rolsuper AND rolname !~ '^pg_' AND rolname <> current_user
     AND has_database_privilege(rolname, current_database(), 'CONNECT')
   ORDER BY rolname LIMIT 50`;

async function connections(db: Queryable, t: Thresholds): Promise<CheckOutput> {
  const r = (await db.query(CONNECTIONS)).rows[0];
  const used = Number(r.used);
  const max = Number(r.max);
  const reserved = Number(r.su_reserved) + Number(r.reserved);
  const share = used / max;
  if (share < t.connectionsWarning) return { findings: [], limits: [] };
  return {
    findings: [
      finding({
        check: "connections",
        severity: share >= t.connectionsCritical ? "critical" : "warning",
        title: `Connections at ${Math.round(share * 100)} % of max_connections`,
        evidence: [`${fmtInt(used)} client connections of max_connections ${fmtInt(max)}`, `${reserved} of them reserved for superusers and pg_use_reserved_connections`],
        why: "When they run out, new connections fail with 'too many clients' and the application goes down; a pooler keeps the count low.",
        fix: "-- put PgBouncer (transaction mode) in front, pool size ≈ cores × 2 + spindles; find the idle ones:\nSELECT usename, application_name, state, count(*) FROM pg_stat_activity GROUP BY 1, 2, 3 ORDER BY 4 DESC;",
      }),
    ],
    limits: [],
  };
}

async function cacheHit(db: Queryable, t: Thresholds): Promise<CheckOutput> {
  const r = (await db.query(CACHE)).rows[0];
  const hit = Number(r.hit ?? 0);
  const read = Number(r.read ?? 0);
  const total = hit + read;
  // A cold cache after a restart reads from disk: not an alarm until there is volume.
  if (total < t.cacheMinBlocks) return { findings: [], limits: [] };
  const ratio = hit / total;
  if (ratio >= t.cacheHitWarning) return { findings: [], limits: [] };
  return {
    findings: [
      finding({
        check: "cache_hit",
        severity: ratio < 0.95 ? "warning" : "info",
        title: `Cache hit ratio ${(ratio * 100).toFixed(2)} % (below ${(t.cacheHitWarning * 100).toFixed(0)} %)`,
        evidence: [
          `${fmtInt(read)} blocks read from disk (${((read * Number(r.block_size)) / 1024 ** 3).toFixed(1)} GB), ${fmtInt(hit)} from shared buffers`,
          `since the statistics reset ${r.since ?? "(never reset)"}`,
        ],
        why: "Reads that miss shared_buffers go to the OS cache or disk: queries slow down as the working set outgrows memory.",
        fix: "-- look for the tables read most from disk, then size shared_buffers (≈ 25 % of RAM) or add memory:\nSELECT relname, heap_blks_read FROM pg_statio_user_tables ORDER BY heap_blks_read DESC LIMIT 10;",
      }),
    ],
    limits: [],
  };
}

async function checkpoints(db: Queryable, t: Thresholds, seeing: Seeing): Promise<CheckOutput> {
  const r = (await db.query(checkpointsSql(seeing.versionNum))).rows[0];
  const timed = Number(r.timed);
  const requested = Number(r.requested);
  const all = timed + requested;
  if (all < t.checkpointsMin || requested / all < t.checkpointsRequestedShare) return { findings: [], limits: [] };
  return {
    findings: [
      finding({
        check: "checkpoints_requested",
        severity: "warning",
        title: `${Math.round((requested / all) * 100)} % of checkpoints are requested, not timed`,
        evidence: [`${fmtInt(requested)} requested, ${fmtInt(timed)} timed since ${r.since ?? "the last reset"}`, `max_wal_size = ${r.max_wal_size}`],
        why: "Checkpoints forced by WAL volume come too often: write spikes and more full-page images in the WAL.",
        fix: `ALTER SYSTEM SET max_wal_size = '...'; -- about twice ${r.max_wal_size}, room permitting\nSELECT pg_reload_conf();`,
      }),
    ],
    limits: [],
  };
}

async function timeouts(db: Queryable, _t: Thresholds, seeing: Seeing): Promise<CheckOutput> {
  const names = TIMEOUTS.map((x) => x.name);
  const levels = (await db.query(TIMEOUT_LEVELS, [names])).rows as { level: string; role: string | null; name: string; setting: string }[];
  const roles = ((await db.query(LOGIN_ROLES)).rows as { name: string }[]).map((r) => r.name);
  const set = (v: string | undefined) => v !== undefined && !/^0+(ms|s|min)?$/.test(v.trim());
  const findings: HealthFinding[] = [];
  for (const { name, suggested } of TIMEOUTS) {
    if (set(levels.find((l) => l.level === "server" && l.name === name)?.setting)) continue;
    if (set(levels.find((l) => l.level === "database" && l.name === name)?.setting)) continue;
    const bare = roles.filter((role) => !set(levels.find((l) => l.level === "role" && l.role === role && l.name === name)?.setting));
    if (!bare.length) continue;
    findings.push(
      finding({
        check: "timeout_unset",
        subject: name,
        severity: name === "idle_in_transaction_session_timeout" ? "warning" : "info",
        database: seeing.database,
        title: `${name} is unset for database ${seeing.database} and ${bare.length} login role${bare.length === 1 ? "" : "s"}`,
        evidence: [`server setting 0 (off), no setting on database ${seeing.database}`, `roles without it: ${bare.slice(0, 10).join(", ")}${bare.length > 10 ? ", …" : ""}`],
        why: "Without timeouts a stuck query, a lock queue or a forgotten transaction runs forever; the suggested values come from the operations guide.",
        fix: [
          `ALTER DATABASE ${pg.escapeIdentifier(seeing.database)} SET ${name} = '${suggested}';`,
          ...bare.map((role) => `ALTER ROLE ${pg.escapeIdentifier(role)} SET ${name} = '${suggested}';`),
          "-- new sessions pick these up; batch jobs may need a longer value on their own role",
        ].join("\n"),
      }),
    );
  }
  return { findings, limits: [] };
}

export const settingsChecks = { connections, cacheHit, checkpoints, timeouts };
