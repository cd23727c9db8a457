import "server-only";
import { can, type RoleAssignment } from "@/lib/auth/permissions";
import { env } from "@/lib/config/env";
import { servers } from "@/lib/config/servers";
import type { FleetResponse, FleetServer } from "@/lib/schemas/metrics";
import { latestHealth, type LatestHealth } from "@/lib/store/health-latest";
import { latestPoints, serverStates, type ServerState } from "@/lib/store/metric-reads";
import type { Point } from "./charts";
import { epochOf, increase, ratePerSecond } from "./rates";

// GET /api/fleet: one card per server the user may read, from the newest samples in the store
// (whichever replica took them), so every replica answers the same and no monitored server is
// queried by a page view.

/** "18.1" / "14.23" from server_version_num (10 and later). */
export function versionText(num: number | null | undefined): string | null {
  if (!num) return null;
  return `${Math.floor(num / 10000)}.${num % 10000}`;
}

function counterAt(p: Point, col: string) {
  return { t: p.lastAt, epoch: epochOf(p.postmaster_start, p.db_epoch), value: p[col] ?? null };
}

export function fleetCard(server: { id: string; name: string }, points: Point[], state: ServerState | undefined, now: number, intervalMs: number): FleetServer {
  const [cur, prev] = points; // newest first
  // Three intervals without news means nobody is sampling it (no replica holds its lease) or the
  // sampler is badly behind: say so instead of showing old numbers as current.
  const staleMs = Math.max(3 * intervalMs, 30_000);
  const downNow = !!state && !state.ok && (!cur || state.checkedAt >= cur.lastAt);
  let status: FleetServer["status"];
  if (downNow) status = now - state!.checkedAt <= staleMs ? "down" : "stale";
  else if (cur) status = now - cur.lastAt <= staleMs ? "up" : "stale";
  else status = state ? "stale" : "unknown";

  const base: FleetServer = {
    id: server.id,
    name: server.name,
    status,
    error: downNow && state?.errorCode ? { code: state.errorCode, message: state.error ?? "" } : null,
    downSince: downNow ? state!.since : null,
    lastSampleAt: cur?.lastAt ?? null,
    version: versionText(cur?.version_num),
    role: cur ? (cur.in_recovery === 1 ? "standby" : "primary") : null,
    connections: null,
    tps: null,
    cacheHitRatio: null,
    longestTransactionSeconds: null,
    replicationLag: null,
    worstFinding: null,
    healthCheckedAt: null,
    healthFailedChecks: null,
  };
  if (status !== "up" || !cur) return base;

  const used = cur.conn_total ?? 0;
  const max = cur.max_connections ?? 0;
  let tps: number | null = null;
  let cacheHitRatio: number | null = null;
  if (prev) {
    const commits = ratePerSecond(counterAt(prev, "xact_commit"), counterAt(cur, "xact_commit"));
    const rollbacks = ratePerSecond(counterAt(prev, "xact_rollback"), counterAt(cur, "xact_rollback"));
    tps = commits === null || rollbacks === null ? null : commits + rollbacks;
    const hit = increase(counterAt(prev, "blks_hit"), counterAt(cur, "blks_hit"));
    const read = increase(counterAt(prev, "blks_read"), counterAt(cur, "blks_read"));
    cacheHitRatio = hit === null || read === null || hit + read === 0 ? null : hit / (hit + read);
  }
  const standby = cur.in_recovery === 1;
  const lag = standby
    ? {
        seconds: cur.replay_lag_s ?? null,
        bytes: cur.receive_lsn !== null && cur.replay_lsn !== null ? Math.max(0, (cur.receive_lsn ?? 0) - (cur.replay_lsn ?? 0)) : null,
      }
    : { seconds: cur.standby_lag_s ?? null, bytes: cur.standby_lag_bytes ?? null };
  return {
    ...base,
    connections: max > 0 ? { used, max, percent: (used / max) * 100 } : null,
    tps,
    cacheHitRatio,
    longestTransactionSeconds: cur.longest_xact_s ?? null,
    replicationLag: lag.seconds === null && lag.bytes === null ? null : lag,
  };
}

/**
 * The newest health run's worst finding (inactive slot retaining WAL, failing archiver, ...) on the
 * card, whichever replica ran it. Kept on a down card too: what was wrong before it went down.
 */
function withHealth(card: FleetServer, h: LatestHealth | undefined): FleetServer {
  return h ? { ...card, worstFinding: h.worst, healthCheckedAt: h.at, healthFailedChecks: h.failedChecks } : card;
}

export async function fleetSummaries(user: RoleAssignment, now = Date.now()): Promise<FleetResponse> {
  const visible = servers().filter((s) => can(user, s.id, "read"));
  const ids = visible.map((s) => s.id);
  const intervalMs = env().PGWARDEN_SAMPLE_INTERVAL_S * 1000;
  const [points, states, health] = await Promise.all([latestPoints(ids, 2, 4 * intervalMs), serverStates(ids), latestHealth(ids)]);
  return {
    servers: visible.map((s) => withHealth(fleetCard(s, (points.get(s.id) ?? []) as Point[], states.get(s.id), now, intervalMs), health.get(s.id))),
    sampleIntervalSeconds: intervalMs / 1000,
    readAt: Date.now(),
  };
}
