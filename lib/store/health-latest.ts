import "server-only";
import type { HealthResponse } from "@/lib/schemas/health";
import { store } from "./db";

// The newest health run per server and database, shared by every replica
// (lib/monitoring/collectors/health.ts runs them in the background on every database; a page
// view's run counts too). The fleet cards read the worst database's row.

export interface LatestHealth {
  /** `database`: the database the worst finding is about, when it is about one (the card links there) */
  worst: { severity: "info" | "warning" | "critical"; title: string; check: string; database?: string } | null;
  /** epoch ms of the run */
  at: number;
  failedChecks: number;
}

// A slower run that finishes after a newer one must not replace it.
const SAVE = /* sql */ `
  INSERT INTO health_latest AS h (server, checked_at, database, worst_severity, worst_title, worst_check, critical, warning, info, failed_checks, worst_database)
  VALUES ($1, to_timestamp($2::float8 / 1000), $3, $4, $5, $6, $7, $8, $9, $10, $11)
  ON CONFLICT (server, database) DO UPDATE SET
    checked_at = EXCLUDED.checked_at, worst_severity = EXCLUDED.worst_severity,
    worst_title = EXCLUDED.worst_title, worst_check = EXCLUDED.worst_check, critical = EXCLUDED.critical,
    warning = EXCLUDED.warning, info = EXCLUDED.info, failed_checks = EXCLUDED.failed_checks, worst_database = EXCLUDED.worst_database
  WHERE h.checked_at <= EXCLUDED.checked_at`;

export async function saveHealth(r: HealthResponse): Promise<void> {
  const worst = r.findings[0]; // sorted worst first
  const failed = r.checks.filter((c) => c.status === "failed").length;
  await (await store()).query(SAVE, [
    r.server, r.readAt, r.database, worst?.severity ?? null, worst?.title ?? null, worst?.check ?? null,
    r.counts.critical, r.counts.warning, r.counts.info, failed, worst?.database ?? null,
  ]);
}

// Per server, the row of its worst database: a critical finding in any database outranks a
// healthy default one; then checks that could not run (not "healthy"), then the newest.
const LATEST = /* sql */ `
  SELECT DISTINCT ON (server)
         server, (extract(epoch FROM checked_at) * 1000)::float8 AS at, worst_severity, worst_title, worst_check,
         failed_checks, worst_database
    FROM health_latest WHERE server = ANY($1::text[])
   ORDER BY server, CASE worst_severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 WHEN 'info' THEN 2 ELSE 3 END,
            failed_checks DESC, checked_at DESC`;

// A background run covered these databases: rows of others are of databases dropped (or no
// longer connectable) and must not keep a finding on the card.
const PRUNE = /* sql */ `DELETE FROM health_latest WHERE server = $1 AND NOT (database = ANY($2::text[]))`;

// When the server was last checked, any database: a replica taking it over continues from there.
const LAST_RUN = /* sql */ `
  SELECT server, (extract(epoch FROM max(checked_at)) * 1000)::float8 AS at
    FROM health_latest WHERE server = ANY($1::text[]) GROUP BY server`;

const CHECKED_AT = /* sql */ `
  SELECT database, (extract(epoch FROM checked_at) * 1000)::float8 AS at FROM health_latest WHERE server = $1`;

/** When each database of the server was last checked (epoch ms): whose turn it is next. */
export async function healthCheckedAt(server: string): Promise<Map<string, number>> {
  const { rows } = await (await store()).query(CHECKED_AT, [server]);
  return new Map(rows.map((r) => [r.database as string, r.at as number]));
}

export async function pruneHealth(server: string, databases: string[]): Promise<void> {
  await (await store()).query(PRUNE, [server, databases]);
}

export async function latestHealth(servers: string[]): Promise<Map<string, LatestHealth>> {
  if (!servers.length) return new Map();
  const { rows } = await (await store()).query(LATEST, [servers]);
  return new Map(
    rows.map((r) => [
      r.server as string,
      {
        worst: r.worst_severity ? { severity: r.worst_severity, title: r.worst_title, check: r.worst_check, database: r.worst_database ?? undefined } : null,
        at: r.at,
        failedChecks: r.failed_checks,
      },
    ]),
  );
}

/** For a replica taking servers over: when each was last checked (continues its schedule). */
export async function lastHealthTimes(servers: string[]): Promise<Map<string, number | null>> {
  if (!servers.length) return new Map();
  const { rows } = await (await store()).query(LAST_RUN, [servers]);
  const at = new Map(rows.map((r) => [r.server as string, r.at as number]));
  return new Map(servers.map((s) => [s, at.get(s) ?? null]));
}
