import "server-only";
import { formatDuration } from "@/lib/format";
import type { Finding } from "@/lib/schemas/findings";
import type {
  BouncerConfigResponse,
  BouncerConnectionsQuery,
  BouncerConnectionsResponse,
  BouncerDatabase,
  PgbouncerResponse,
  Pool,
} from "@/lib/schemas/pgbouncer";
import { CONSOLE_APPLICATION_NAME } from "../pools";
import { coalescedAdmin } from "./admin";
import { ADMIN_DATABASE, toConnection, toDatabase, toPool, toSetting, toStats } from "./shows";
import { frontedServers, sizingFor } from "./sizing";

// The PgBouncer page's reads. The classic failure it must show: clients queueing in PgBouncer
// (cl_waiting, maxwait) while PostgreSQL looks idle.

export const MAXWAIT_WARNING_MS = 1_000;
export const MAXWAIT_CRITICAL_MS = 10_000;

/** Pure: waiting clients, paused or disabled databases. */
export function bouncerFindings(pools: Pool[], databases: BouncerDatabase[]): Finding[] {
  const out: Finding[] = [];
  for (const p of pools) {
    if (p.database === ADMIN_DATABASE || (p.clWaiting === 0 && p.maxwaitMs < MAXWAIT_WARNING_MS)) continue;
    out.push({
      check: "clients_waiting",
      id: `clients_waiting:${p.database}:${p.user}`,
      severity: p.maxwaitMs >= MAXWAIT_CRITICAL_MS ? "critical" : "warning",
      title: `${p.clWaiting} client(s) waiting for a server connection in pool ${p.database}/${p.user} (longest ${formatDuration(p.maxwaitMs)})`,
      evidence: [
        `cl_active ${p.clActive}, cl_waiting ${p.clWaiting}, maxwait ${formatDuration(p.maxwaitMs)}`,
        `sv_active ${p.svActive}, sv_idle ${p.svIdle}, sv_used ${p.svUsed}, sv_login ${p.svLogin}`,
        `pool_mode ${p.poolMode ?? "—"}`,
      ],
      fix:
        p.svIdle + p.svUsed === 0
          ? "Every server connection is busy: look for long transactions holding them (the PostgreSQL activity page), then consider pool_size/reserve_pool."
          : "Server connections are free yet clients wait: PgBouncer may be paused, at max_db_connections / max_user_connections, or unable to log in to PostgreSQL (see its log).",
    });
  }
  for (const d of databases) {
    if (d.admin) continue;
    if (d.paused) {
      out.push({
        check: "database_paused",
        id: `database_paused:${d.name}`,
        severity: "warning",
        title: `Database ${d.name} is paused in PgBouncer: its clients queue until RESUME`,
        evidence: [`SHOW DATABASES: paused = 1`],
        fix: `RESUME ${d.name} (the Resume action on this page).`,
      });
    }
    if (d.disabled) {
      out.push({
        check: "database_disabled",
        id: `database_disabled:${d.name}`,
        severity: "warning",
        title: `Database ${d.name} is disabled in PgBouncer: new clients are rejected`,
        evidence: [`SHOW DATABASES: disabled = 1`],
        fix: `ENABLE ${d.name} on the admin console.`,
      });
    }
  }
  return out;
}

const OVERVIEW = ["SHOW VERSION", "SHOW POOLS", "SHOW STATS", "SHOW DATABASES"];

export async function pgbouncerStatus(server: string): Promise<PgbouncerResponse> {
  const { rows, readAt } = await coalescedAdmin(server, "overview", OVERVIEW);
  const [version, poolRows, statRows, dbRows] = rows as [Record<string, unknown>[], ...Record<string, unknown>[][]];
  const pools = poolRows!.map(toPool);
  const databases = dbRows!.map(toDatabase);
  return {
    server,
    version: version[0]?.version ? String(version[0].version) : null,
    pools,
    stats: statRows!.map(toStats),
    databases,
    fronts: frontedServers(server).map((s) => ({ id: s.id, name: s.name })),
    sizing: await sizingFor(server, databases, pools),
    limits: [],
    findings: bouncerFindings(pools, databases),
    readAt,
  };
}

/** Pool figures for the sampler's history (clients waiting, maxwait): one SHOW POOLS. */
export async function poolSample(server: string): Promise<{ at: number; pools: Pool[] }> {
  const { rows, readAt } = await coalescedAdmin(server, "pools", ["SHOW POOLS"]);
  return { at: readAt, pools: rows[0]!.map(toPool).filter((p) => p.database !== ADMIN_DATABASE) };
}

async function connections(server: string, kind: "CLIENTS" | "SERVERS", q: BouncerConnectionsQuery): Promise<BouncerConnectionsResponse> {
  const { rows, readAt } = await coalescedAdmin(server, kind.toLowerCase(), [`SHOW ${kind}`]);
  const all = rows[0]!.map((r) => toConnection(r, CONSOLE_APPLICATION_NAME)).filter((c) => q.database === undefined || c.database === q.database);
  // Waiting clients first (longest wait on top), then by database and user.
  all.sort((a, b) => (b.waitMs ?? 0) - (a.waitMs ?? 0) || String(a.database).localeCompare(String(b.database)) || String(a.user).localeCompare(String(b.user)));
  return { server, rows: all.slice(0, q.limit), total: all.length, readAt };
}

export const bouncerClients = (server: string, q: BouncerConnectionsQuery) => connections(server, "CLIENTS", q);
export const bouncerServers = (server: string, q: BouncerConnectionsQuery) => connections(server, "SERVERS", q);

export async function bouncerConfig(server: string): Promise<BouncerConfigResponse> {
  const { rows, readAt } = await coalescedAdmin(server, "config", ["SHOW CONFIG"]);
  return { server, settings: rows[0]!.map(toSetting), readAt };
}
