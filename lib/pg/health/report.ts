import "server-only";
import type { Finding, Limit } from "@/lib/schemas/findings";
import type { HealthCheckRun, HealthFinding, HealthResponse } from "@/lib/schemas/health";
import { logFailure } from "@/lib/log";
import { saveHealth } from "@/lib/store/health-latest";
import { cacheKey } from "../cache-keys";
import { cached } from "../cache";
import { resolveDatabase } from "../databases";
import { DbError } from "../errors";
import { cachedServerFacts } from "../server-facts";
import { archivingStatus } from "../replication/archiving";
import { replicationStatus } from "../replication";
import { read } from "../run";
import { horizonChecks } from "./horizon";
import { sequenceChecks } from "./sequences";
import { settingsChecks } from "./settings";
import { tableChecks } from "./tables";
import { DEFAULT_THRESHOLDS, type CheckOutput, type Seeing, type Thresholds, type Tx } from "./types";

// GET /api/servers/:s/health?db=: every check, each in its own short read-only transaction so one
// that fails (a privilege, a timeout) is reported as such and the others still answer.

type Check = { id: string; title: string; run: (tx: Tx, t: Thresholds, s: Seeing) => Promise<CheckOutput> };

const one =
  (fn: (db: Parameters<Parameters<Tx>[0]>[0], t: Thresholds, s: Seeing) => Promise<CheckOutput>) =>
  (tx: Tx, t: Thresholds, s: Seeing) =>
    tx((db) => fn(db, t, s));

export const CHECKS: Check[] = [
  { id: "wraparound", title: "Transaction ID and multixact wraparound per database", run: one(horizonChecks.wraparound) },
  { id: "oldest_tables", title: "Oldest tables (freeze age)", run: one(tableChecks.oldestTables) },
  { id: "sequences", title: "Sequences near exhaustion (against the owning column)", run: sequenceChecks },
  { id: "xmin_horizon", title: "xmin horizon holders: transactions, idle in transaction, slots, prepared, standby feedback", run: one(horizonChecks.horizonHolders) },
  { id: "vacuum", title: "Autovacuum behind, stale statistics, autovacuum disabled", run: one(tableChecks.vacuumState) },
  { id: "invalid_indexes", title: "Invalid indexes", run: one(tableChecks.invalidIndexes) },
  { id: "unused_indexes", title: "Biggest unused indexes", run: one(tableChecks.unusedIndexes) },
  { id: "connections", title: "Connections against max_connections", run: one(settingsChecks.connections) },
  { id: "cache_hit", title: "Cache hit ratio", run: one(settingsChecks.cacheHit) },
  { id: "checkpoints", title: "Checkpoints requested vs timed", run: one(settingsChecks.checkpoints) },
  { id: "timeouts", title: "Timeouts at database and role level", run: one(settingsChecks.timeouts) },
];

const WHY: Record<string, string> = {
  inactive_slot: "An inactive slot keeps every WAL segment since its restart_lsn: pg_wal grows until the disk is full and the primary stops.",
  slot_lost: "The slot's consumer can no longer catch up: it needs a new base backup or resync.",
  archiver_failing: "Every WAL segment that is not archived is a gap in point-in-time recovery, and the segments pile up in pg_wal.",
  archiver_behind: "Segments waiting to be archived fill pg_wal and widen the window of data you could lose.",
  replication_lag: "A lagging standby serves old data and, on failover, loses what it had not replayed.",
  replay_lag: "A lagging standby serves old data and, on failover, loses what it had not replayed.",
};

const RANK = { critical: 0, warning: 1, info: 2 } as const;

export interface RunOptions {
  server: string;
  thresholds?: Partial<Thresholds>;
}

/** Every check through `tx`; failures become a check status, never a missing section. */
export async function runChecks(tx: Tx, seeing: Seeing, thresholds: Partial<Thresholds> = {}, only?: string[]) {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const findings: HealthFinding[] = [];
  const limits: Limit[] = [];
  const checks: HealthCheckRun[] = [];
  for (const c of CHECKS) {
    if (only && !only.includes(c.id)) continue;
    const t0 = performance.now();
    try {
      const out = await c.run(tx, t, seeing);
      findings.push(...out.findings);
      limits.push(...out.limits);
      checks.push({ check: c.id, title: c.title, status: out.limits.length ? "limited" : "ok", message: null, ms: Math.round(performance.now() - t0) });
    } catch (err) {
      const message = err instanceof DbError ? err.message : (err as Error)?.message ?? "failed";
      checks.push({ check: c.id, title: c.title, status: "failed", message, ms: Math.round(performance.now() - t0) });
    }
  }
  return { findings, limits, checks };
}

const fromOps = (f: Finding): HealthFinding => ({ ...f, why: WHY[f.check] ?? null, database: null });

async function opsFindings(server: string, checks: HealthCheckRun[]): Promise<{ findings: HealthFinding[]; limits: Limit[] }> {
  const findings: HealthFinding[] = [];
  const limits: Limit[] = [];
  for (const [id, title, load] of [
    ["replication", "Replication: standbys, slots retaining WAL", () => replicationStatus(server)],
    ["archiving", "WAL archiving", () => archivingStatus(server)],
  ] as const) {
    const t0 = performance.now();
    try {
      const r = await load();
      findings.push(...r.findings.map(fromOps));
      limits.push(...r.limits);
      checks.push({ check: id, title, status: r.limits.length ? "limited" : "ok", message: null, ms: Math.round(performance.now() - t0) });
    } catch (err) {
      checks.push({ check: id, title, status: "failed", message: (err as Error)?.message ?? "failed", ms: Math.round(performance.now() - t0) });
    }
  }
  return { findings, limits };
}

async function report(server: string, db: string | undefined): Promise<HealthResponse> {
  const started = performance.now();
  const target = await resolveDatabase(server, db);
  const facts = await cachedServerFacts(server);
  const seeing: Seeing = {
    role: facts.role,
    allStats: facts.superuser || facts.member.pg_read_all_stats,
    versionNum: facts.versionNum,
    database: db ?? facts.database,
  };
  const tx: Tx = (fn) => read(target, fn);
  const own = await runChecks(tx, seeing);
  const ops = await opsFindings(server, own.checks);
  const findings = [...own.findings, ...ops.findings].sort((a, b) => RANK[a.severity] - RANK[b.severity]);
  const counts = { critical: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  const res: HealthResponse = {
    server,
    database: seeing.database,
    findings,
    limits: [...own.limits, ...ops.limits],
    checks: own.checks,
    counts,
    durationMs: Math.round(performance.now() - started),
    readAt: Date.now(),
  };
  // Every real run (a page view's or the background collector's) becomes the fleet card's newest
  // finding; a store that cannot take it must not cost the page its report.
  await saveHealth(res).catch(logFailure(`saving the health run of ${server}`));
  return res;
}

// Checks read a lot of catalog: several viewers of the page within a few seconds share one run
// (the "health" lifetime, cache-keys.ts).
export function healthReport(server: string, db: string | undefined): Promise<HealthResponse> {
  return cached(cacheKey({ server, database: db }, "health"), () => report(server, db));
}

