import "server-only";
import pg from "pg";
import type { Capability, ServerInfoResponse } from "@/lib/schemas/server-info";
import { poolerFactsFor } from "./pooler";
import { coalescedRead, timed } from "./run";
import type { Queryable } from "./types";

// Know the server: version, primary or standby, extensions, and what the console's role may do.
// Every missing capability comes with the exact statement that would enable it and the features
// it affects, so a page degrades with a reason instead of an empty table that looks healthy.

const SERVER_FACTS = /* sql */ `
  SELECT current_setting('server_version_num')::int AS version_num,
         current_setting('server_version') AS version,
         pg_is_in_recovery() AS in_recovery,
         current_user AS role_name,
         current_database() AS database,
         r.rolsuper AS superuser,
         current_setting('reserved_connections', true) AS reserved_connections,
         current_setting('superuser_reserved_connections') AS superuser_reserved_connections
    FROM pg_roles r
   WHERE r.rolname = current_user`;

// Predefined roles differ by version (pg_maintain 17+, pg_use_reserved_connections 16+), so they
// are looked up by name instead of calling pg_has_role on a role that may not exist.
// USAGE: the privileges of a predefined role count only when inherited.
const ROLE_MEMBERSHIP = /* sql */ `
  SELECT p.rolname, pg_has_role(current_user, p.oid, 'USAGE') AS has
    FROM pg_roles p
   WHERE p.rolname = ANY($1::text[])`;

const EXTENSIONS = /* sql */ `
  SELECT n.name, e.extversion AS installed, EXISTS (SELECT FROM pg_available_extensions a WHERE a.name = n.name) AS available
    FROM unnest($1::text[]) AS n(name)
    LEFT JOIN pg_extension e ON e.extname = n.name
   ORDER BY n.name`;

const PREDEFINED = [
  "pg_monitor",
  "pg_read_all_stats",
  "pg_stat_scan_tables",
  "pg_signal_backend",
  "pg_maintain",
  "pg_use_reserved_connections",
] as const;
const EXTENSION_NAMES = ["pg_stat_statements", "pgstattuple"];

export interface ServerFacts {
  versionNum: number;
  version: string;
  inRecovery: boolean;
  role: string;
  database: string;
  superuser: boolean;
  /** null before PostgreSQL 16 */
  reservedConnections: number | null;
  superuserReservedConnections: number;
  member: Record<(typeof PREDEFINED)[number], boolean>;
  extensions: { name: string; installed: string | null; available: boolean }[];
  /** SELECT from pg_stat_statements works (installed, preloaded, permitted) */
  statementsReadable: boolean;
}

/** Needs a client inside a transaction (as read() gives): the pg_stat_statements probe uses a savepoint. */
export async function serverFacts(db: Queryable): Promise<ServerFacts> {
  const f = (await db.query(SERVER_FACTS)).rows[0];
  const membership = (await db.query(ROLE_MEMBERSHIP, [PREDEFINED])).rows as { rolname: string; has: boolean }[];
  const member = Object.fromEntries(PREDEFINED.map((r) => [r, membership.some((m) => m.rolname === r && m.has)])) as ServerFacts["member"];
  const extensions = (await db.query(EXTENSIONS, [EXTENSION_NAMES])).rows as ServerFacts["extensions"];
  let statementsReadable = false;
  if (extensions.some((e) => e.name === "pg_stat_statements" && e.installed)) {
    // Installed but not in shared_preload_libraries raises an error on SELECT: probe it.
    await db.query("SAVEPOINT pgwarden_probe");
    try {
      await db.query(/* sql */ `SELECT 1 FROM pg_stat_statements LIMIT 1`);
      statementsReadable = true;
      await db.query("RELEASE SAVEPOINT pgwarden_probe");
    } catch {
      await db.query("ROLLBACK TO SAVEPOINT pgwarden_probe");
    }
  }
  return {
    versionNum: f.version_num,
    version: f.version,
    inRecovery: f.in_recovery,
    role: f.role_name,
    database: f.database,
    superuser: f.superuser,
    reservedConnections: f.reserved_connections === null ? null : Number(f.reserved_connections),
    superuserReservedConnections: Number(f.superuser_reserved_connections),
    member,
    extensions,
    statementsReadable,
  };
}

function cap(c: Capability): Capability {
  return c;
}

/** Pure: what the facts mean for the console, each gap with its fix. */
export function capabilities(f: ServerFacts): Capability[] {
  const role = pg.escapeIdentifier(f.role);
  const su = f.superuser;
  const has = (r: keyof ServerFacts["member"]) => f.member[r];
  const ext = (n: string) => f.extensions.find((e) => e.name === n);
  const out: Capability[] = [];
  out.push(versionSupport(f));

  const readAll = su || has("pg_read_all_stats");
  out.push(cap({
    id: "read_all_stats",
    label: "Read all statistics",
    ok: readAll,
    detail: su ? "superuser" : has("pg_monitor") ? "via pg_monitor" : readAll ? "via pg_read_all_stats" : "missing: other roles' sessions show as <insufficient privilege>",
    fix: readAll ? null : `GRANT pg_monitor TO ${role};`,
    features: ["Other roles' queries and wait events on the activity page", "Statement statistics of every role", "Replication figures"],
  }));

  const signal = su || has("pg_signal_backend");
  out.push(cap({
    id: "signal_backend",
    label: "Cancel and terminate other roles' sessions",
    ok: signal,
    detail: su ? "superuser" : signal ? "via pg_signal_backend (superusers' sessions stay out of reach)" : "missing: only sessions of the console's own role can be signalled",
    fix: signal ? null : `GRANT pg_signal_backend TO ${role};`,
    features: ["Cancel", "Terminate"],
  }));

  const maintainRole = f.versionNum >= 170000;
  const maintain = su || (maintainRole && has("pg_maintain"));
  out.push(cap({
    id: "maintain",
    label: "Maintain every table (VACUUM, ANALYZE, REINDEX)",
    ok: maintain,
    detail: su
      ? "superuser"
      : maintain
        ? "via pg_maintain"
        : maintainRole
          ? "missing: tables the console's role does not own are skipped"
          : "before PostgreSQL 17 only a table's owner or a superuser may maintain it; other tables are skipped",
    fix: maintain ? null : maintainRole ? `GRANT pg_maintain TO ${role};` : `GRANT "<table owner>" TO ${role};  -- once per owning role (pg_maintain needs PostgreSQL 17)`,
    features: ["VACUUM", "ANALYZE", "REINDEX CONCURRENTLY"],
  }));

  out.push(reservedConnections(f, role));

  const pss = ext("pg_stat_statements");
  out.push(cap({
    id: "pg_stat_statements",
    label: "pg_stat_statements",
    ok: f.statementsReadable,
    detail: f.statementsReadable
      ? `version ${pss?.installed}`
      : pss?.installed
        ? "installed but not readable: it must be in shared_preload_libraries"
        : pss?.available ? "not installed in this database" : "not available on this server (package missing)",
    fix: f.statementsReadable
      ? null
      : `${pss?.installed ? "" : "CREATE EXTENSION pg_stat_statements;  -- on the primary\n"}-- postgresql.conf: shared_preload_libraries = 'pg_stat_statements' (then restart)`,
    features: ["Queries page (statement statistics)", "Measuring the console's own load"],
  }));

  const pst = ext("pgstattuple");
  const pstOk = !!pst?.installed && (su || has("pg_stat_scan_tables"));
  out.push(cap({
    id: "pgstattuple",
    label: "pgstattuple",
    ok: pstOk,
    detail: pstOk ? `version ${pst?.installed}` : pst?.installed ? "installed, but the role lacks pg_stat_scan_tables" : "not installed in this database",
    fix: pstOk ? null : pst?.installed ? `GRANT pg_stat_scan_tables TO ${role};` : `CREATE EXTENSION pgstattuple;  -- on the primary\nGRANT pg_stat_scan_tables TO ${role};`,
    features: ["Exact bloat measurement (estimates are used without it)"],
  }));

  out.push(cap({
    id: "not_superuser",
    label: "Not a superuser",
    ok: !su,
    detail: su ? "the console's role is a superuser: a superuser is the OS user; give it only what it needs" : "least privilege",
    fix: su ? `ALTER ROLE ${role} NOSUPERUSER;\nGRANT pg_monitor, pg_signal_backend TO ${role};` : null,
    features: [],
  }));

  out.push(cap({
    id: "writable",
    label: "Primary (not in recovery)",
    ok: !f.inRecovery,
    detail: f.inRecovery ? "a hot standby: VACUUM, ANALYZE, REINDEX and statistics resets are unavailable here" : "primary",
    fix: null,
    features: ["VACUUM", "ANALYZE", "REINDEX CONCURRENTLY", "Statistics reset"],
  }));
  return out;
}

/**
 * Whether the console still gets in when applications take every slot (max_connections). On 16+
 * the way is reserved_connections + pg_use_reserved_connections for the console's (non-superuser)
 * role; before 16 only superusers have reserved slots. A superuser console takes at most ONE of
 * them (lib/pg/pools.ts), leaving the rest to the DBA's own psql.
 */
function reservedConnections(f: ServerFacts, role: string): Capability {
  const reserved = f.reservedConnections;
  const canUse = f.member.pg_use_reserved_connections;
  const sr = `superuser_reserved_connections = ${f.superuserReservedConnections}`;
  const base = { id: "reserved_connections" as const, label: "Reserved connection slots", features: ["Listing and terminating sessions while the server is out of connections"] };
  const grant = `GRANT pg_use_reserved_connections TO ${role};`;
  const reserve = "ALTER SYSTEM SET reserved_connections = 3;  -- then restart PostgreSQL";
  if (f.superuser) {
    return {
      ...base,
      ok: f.superuserReservedConnections > 0,
      detail: `superuser: ${sr}; the console uses at most one of them${reserved !== null ? ". Better: a non-superuser role with reserved_connections and pg_use_reserved_connections" : ""}`,
      fix: f.superuserReservedConnections > 0 ? null : "ALTER SYSTEM SET superuser_reserved_connections = 3;  -- then restart PostgreSQL",
    };
  }
  if (reserved === null) {
    return {
      ...base,
      ok: false,
      detail: `PostgreSQL ${Math.floor(f.versionNum / 10000)} has no reserved_connections (new in PostgreSQL 16): when max_connections is reached only superusers get in (${sr}), not the console`,
      fix: `-- after an upgrade to PostgreSQL 16 or later:\n${reserve}\n${grant}`,
    };
  }
  const fix: string[] = [];
  if (reserved === 0) fix.push(reserve);
  if (!canUse) fix.push(grant);
  return {
    ...base,
    ok: fix.length === 0,
    detail: `reserved_connections = ${reserved}; the console's role ${canUse ? "has" : "lacks"} pg_use_reserved_connections${fix.length ? ": when max_connections is reached the console cannot connect" : ""}`,
    fix: fix.length ? fix.join("\n") : null,
  };
}

/**
 * The PostgreSQL project supports the last five majors (14–18 in 2026): the console is tested on
 * 14 and 18, and `npm run smoke:versions` checks 13 and 15–17. 13 (end of life November 2025) is
 * still read, with the gaps its detail names; older versions lack catalog columns the pages read
 * (pg_stat_statements' *_exec_time, pg_stat_progress_basebackup).
 */
export function versionSupport(f: ServerFacts): Capability {
  const major = Math.floor(f.versionNum / 10000);
  const base = { id: "supported_version" as const, label: "Supported PostgreSQL version", features: ["Lock wait start times", "WAL rate before two reads", "Partitioned tables on the Tables page"] };
  if (major >= 14) return { ...base, ok: true, detail: `PostgreSQL ${f.version}`, fix: null };
  const upgrade = "-- upgrade to PostgreSQL 14 or later (pg_upgrade, or logical replication to a new server)";
  if (major === 13) {
    return {
      ...base,
      ok: false,
      detail: `PostgreSQL ${f.version} is past its end of life (November 2025): pages work, but lock wait start times (pg_locks.waitstart) and the WAL rate since the statistics reset (pg_stat_wal) are unknown, and partitioned tables' parents are not on the Tables page (pg_stat_user_tables lists them from 14)`,
      fix: upgrade,
    };
  }
  return { ...base, ok: false, detail: `PostgreSQL ${f.version} is not supported: pages that read catalog columns added since may fail`, fix: upgrade };
}

/** The server's facts, read once per interval and shared by every area that needs them. */
export async function cachedServerFacts(server: string): Promise<ServerFacts> {
  return (await timedServerFacts(server)).value;
}

const timedServerFacts = (server: string) => coalescedRead({ server }, "server-facts", timed(serverFacts));

export async function serverInfo(server: string): Promise<ServerInfoResponse> {
  const [{ value: facts, readAt }, pooler] = await Promise.all([timedServerFacts(server), poolerFactsFor(server)]);
  return {
    version: facts.version,
    versionNum: facts.versionNum,
    inRecovery: facts.inRecovery,
    role: facts.role,
    superuser: facts.superuser,
    database: facts.database,
    extensions: facts.extensions,
    capabilities: capabilities(facts),
    pooler: pooler!,
    readAt,
  };
}
