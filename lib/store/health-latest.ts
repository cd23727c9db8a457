import "server-only";
import type { HealthResponse } from "@/lib/schemas/health";
import { store } from "./db";

// The newest health run per server, shared by every replica (lib/monitoring/collectors/health.ts
// runs them in the background; a page view's run counts too). The fleet cards read it.

export interface LatestHealth {
  worst: { severity: "info" | "warning" | "critical"; title: string; check: string } | null;
  /** epoch ms of the run */
  at: number;
  database: string;
  counts: { critical: number; warning: number; info: number };
  failedChecks: number;
}

// A slower run that finishes after a newer one must not replace it.
const SAVE = /* sql */ `
  INSERT INTO health_latest AS h (server, checked_at, database, worst_severity, worst_title, worst_check, critical, warning, info, failed_checks)
  VALUES ($1, to_timestamp($2::float8 / 1000), $3, $4, $5, $6, $7, $8, $9, $10)
  ON CONFLICT (server) DO UPDATE SET
    checked_at = EXCLUDED.checked_at, database = EXCLUDED.database, worst_severity = EXCLUDED.worst_severity,
    worst_title = EXCLUDED.worst_title, worst_check = EXCLUDED.worst_check, critical = EXCLUDED.critical,
    warning = EXCLUDED.warning, info = EXCLUDED.info, failed_checks = EXCLUDED.failed_checks
  WHERE h.checked_at <= EXCLUDED.checked_at`;

export async function saveHealth(r: HealthResponse): Promise<void> {
  const worst = r.findings[0]; // sorted worst first
  const failed = r.checks.filter((c) => c.status === "failed").length;
  await (await store()).query(SAVE, [
    r.server, r.readAt, r.database, worst?.severity ?? null, worst?.title ?? null, worst?.check ?? null,
    r.counts.critical, r.counts.warning, r.counts.info, failed,
  ]);
}

const LATEST = /* sql */ `
  SELECT server, (extract(epoch FROM checked_at) * 1000)::float8 AS at, database, worst_severity, worst_title, worst_check,
         critical, warning, info, failed_checks
    FROM health_latest WHERE server = ANY($1::text[])`;

export async function latestHealth(servers: string[]): Promise<Map<string, LatestHealth>> {
  if (!servers.length) return new Map();
  const { rows } = await (await store()).query(LATEST, [servers]);
  return new Map(
    rows.map((r) => [
      r.server as string,
      {
        worst: r.worst_severity ? { severity: r.worst_severity, title: r.worst_title, check: r.worst_check } : null,
        at: r.at,
        database: r.database,
        counts: { critical: r.critical, warning: r.warning, info: r.info },
        failedChecks: r.failed_checks,
      },
    ]),
  );
}

/** For a replica taking servers over: when each was last checked (continues its schedule). */
export async function lastHealthTimes(servers: string[]): Promise<Map<string, number | null>> {
  const latest = await latestHealth(servers);
  return new Map(servers.map((s) => [s, latest.get(s)?.at ?? null]));
}
