import "server-only";
import { randomBytes } from "node:crypto";
import os from "node:os";
import { env } from "@/lib/config/env";
import { findPgbouncer, findServer, pgbouncers, servers } from "@/lib/config/servers";
import { dropOldPartitions, ensurePartitions } from "@/lib/store/metrics";
import { pruneStatementTexts } from "@/lib/store/statements";
import { leaseRound, releaseAll } from "@/lib/store/sampler-leases";
import { targetKind, type AnyCollector, type SampledTarget } from "./collector";
import { COLLECTORS } from "./collectors";
import { runCollector } from "./run-collector";
import { dueRuns, runKey, slotOf } from "./schedule";
import { logFailure } from "@/lib/log";

// One sampler per console process. It holds leases on a share of the configured servers (store
// rows, see lib/store/sampler-leases.ts) and runs every collector for each held server once per
// collector interval, at a fixed per-server offset inside the interval (schedule.ts) so that 200
// servers are spread over it instead of all read at :00. This file keeps the process's state:
// timers, leases, runs in flight, housekeeping. Nothing here may throw out of a timer: a failing
// server, a failing store or a bug in a collector is logged and the loop goes on.

/** Collector runs in flight at once: enough that unreachable servers (each waiting for the
 * connect timeout) do not delay the healthy ones. */
const MAX_CONCURRENT = 32;
const HOUSEKEEPING_MS = 3_600_000;
const ENSURE_ROWS_MS = 600_000;

interface Sampler {
  owner: string;
  timer: NodeJS.Timeout;
  /** server → local time until which its lease is certainly ours */
  held: Map<string, number>;
  /** collector/server → the last interval number started */
  lastSlot: Map<string, number>;
  running: Set<string>;
  /** servers with a run in flight: one at a time per server, so one sampler connection each */
  busyServers: Set<string>;
  inflight: Set<Promise<unknown>>;
  leaseBusy: boolean;
  nextLeaseAt: number;
  nextHousekeepingAt: number;
  nextEnsureRowsAt: number;
  knownServers: string;
  /** lease rounds done: the first only announces this replica (see leases()) */
  rounds: number;
  /** last logged failure per key, so a down server logs once, not every 15 s */
  logged: Map<string, string>;
  collectors: readonly AnyCollector[];
}

const g = globalThis as typeof globalThis & { __pgwardenSampler?: Sampler };

export function samplerIntervalMs(): number {
  return env().PGWARDEN_SAMPLE_INTERVAL_S * 1000;
}

/** A lease lives 1.25 intervals and is renewed every quarter interval (five chances before it
 * lapses): a dead replica's servers are free after at most 1.25 intervals and claimed within a
 * quarter more, under the two intervals the issue allows. */
export function leaseTtlMs(): number {
  return Math.round(samplerIntervalMs() * 1.25);
}

function leaseRoundMs(): number {
  return Math.floor(samplerIntervalMs() / 4);
}

/** Starts this process's sampler unless PGWARDEN_SAMPLER=off or one is running. */
export function ensureSampler(opts: { collectors?: readonly AnyCollector[] } = {}): void {
  if (g.__pgwardenSampler) return;
  try {
    if (env().PGWARDEN_SAMPLER === "off") return;
  } catch (err) {
    console.error("pgwarden: sampler not started:", (err as Error).message);
    return;
  }
  const tickMs = Math.min(1_000, Math.max(50, Math.floor(samplerIntervalMs() / 4)));
  const s: Sampler = {
    owner: `${os.hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
    timer: setInterval(() => safeTick(s), tickMs),
    held: new Map(),
    lastSlot: new Map(),
    running: new Set(),
    busyServers: new Set(),
    inflight: new Set(),
    leaseBusy: false,
    nextLeaseAt: 0,
    nextHousekeepingAt: 0,
    nextEnsureRowsAt: 0,
    knownServers: "",
    rounds: 0,
    logged: new Map(),
    collectors: opts.collectors ?? COLLECTORS,
  };
  s.timer.unref?.(); // never keeps a process (a test run, a CLI) alive on its own
  g.__pgwardenSampler = s;
  safeTick(s);
}

/** Stops sampling, waits for runs in flight and gives the leases back (tests, clean shutdown). */
export async function stopSampler(): Promise<void> {
  const s = g.__pgwardenSampler;
  if (!s) return;
  g.__pgwardenSampler = undefined;
  clearInterval(s.timer);
  await Promise.allSettled([...s.inflight]);
  await releaseAll(s.owner, [...s.held.keys()]).catch(logFailure("release of the sampler leases"));
}

/** What this process samples now (tests, /api diagnostics). */
export function samplerStatus(): { owner: string; held: string[] } | null {
  const s = g.__pgwardenSampler;
  return s ? { owner: s.owner, held: [...s.held.keys()].sort() } : null;
}

function track(s: Sampler, p: Promise<unknown>) {
  const q = p.catch(() => {});
  s.inflight.add(q);
  void q.finally(() => s.inflight.delete(q));
}

function logOnce(s: Sampler, key: string, what: string, err: unknown) {
  const e = err as { code?: string; name?: string; message?: string };
  // DbError messages never carry remote bytes or URLs; other errors are named by class only.
  const text = e?.name === "DbError" ? `${e.code}: ${e.message}` : (e?.name ?? typeof err);
  if (s.logged.get(key) === text) return;
  s.logged.set(key, text);
  console.warn(`pgwarden: sampler: ${what}: ${text}`);
}

/** A throw out of a timer callback would end the console process: log it and go on. */
function safeTick(s: Sampler) {
  try {
    tick(s);
  } catch (err) {
    logOnce(s, "tick", "sampler tick failed", err);
  }
}

function tick(s: Sampler) {
  if (g.__pgwardenSampler !== s) return;
  const now = Date.now();
  if (!s.leaseBusy && now >= s.nextLeaseAt) {
    s.leaseBusy = true;
    s.nextLeaseAt = now + leaseRoundMs();
    track(s, leases(s).finally(() => (s.leaseBusy = false)));
  }
  if (now >= s.nextHousekeepingAt) {
    s.nextHousekeepingAt = now + HOUSEKEEPING_MS;
    track(s, housekeeping(s));
  }
  // Most overdue first: when runs are slower than the schedule (a storm of reconnects, an
  // overloaded host) every server still gets its turn instead of the first ones of the map.
  const due = dueRuns({ now, held: s.held, lastSlot: s.lastSlot, collectors: s.collectors, find: findServerSafe });
  for (const d of due) {
    if (s.running.size >= MAX_CONCURRENT) break; // the rest start on a later tick
    if (s.busyServers.has(d.server.id)) continue;
    if (d.collector.maxConcurrent !== undefined && runningOf(s, d.collector) >= d.collector.maxConcurrent) continue;
    s.lastSlot.set(d.key, d.slot); // a run that was late does not repeat the intervals it missed
    run(s, d.collector, d.server, d.key);
  }
}

function runningOf(s: Sampler, c: AnyCollector): number {
  let n = 0;
  for (const key of s.running) if (key.startsWith(runKey(c.name, ""))) n++;
  return n;
}

/** A PostgreSQL server or a PgBouncer (ids are unique across both). */
function findServerSafe(id: string): SampledTarget | undefined {
  try {
    return findServer(id) ?? findPgbouncer(id);
  } catch {
    return undefined;
  }
}

function run(s: Sampler, c: AnyCollector, server: SampledTarget, key: string) {
  s.running.add(key);
  s.busyServers.add(server.id);
  const p = runCollector(c, server, (what, err) => logOnce(s, key, `${c.name} ${server.id}: ${what}`, err), () => s.logged.delete(key));
  track(
    s,
    p.finally(() => {
      s.running.delete(key);
      s.busyServers.delete(server.id);
    }),
  );
}

async function leases(s: Sampler) {
  const started = Date.now();
  let ids: string[];
  try {
    // PgBouncers are leased like servers: one replica samples each (its pool history).
    ids = [...servers(), ...pgbouncers()].map((x) => x.id);
  } catch (err) {
    logOnce(s, "registry", "the servers registry cannot be read", err);
    return;
  }
  const key = ids.join("\u0000");
  const ensureRows = key !== s.knownServers || started >= s.nextEnsureRowsAt;
  try {
    // The first round only announces this replica: replicas started together then each claim
    // their share at the next round, instead of the first one claiming (and connecting to) all.
    const round = await leaseRound(s.owner, ids, leaseTtlMs(), { ensureRows, claim: s.rounds > 0 });
    s.rounds++;
    if (ensureRows) {
      s.knownServers = key;
      s.nextEnsureRowsAt = started + ENSURE_ROWS_MS;
    }
    s.logged.delete("leases");
    const until = started + leaseTtlMs(); // the store's expiry is later than this in real time
    const held = new Set(round.held);
    for (const id of [...s.held.keys()]) if (!held.has(id)) s.held.delete(id);
    if (round.claimed.length) await startTimes(s, round.claimed, started);
    for (const id of round.held) s.held.set(id, until);
  } catch (err) {
    // The store is unreachable: our leases run out on their own and sampling stops with them.
    logOnce(s, "leases", "lease round failed", err);
  }
}

/** For newly claimed servers: continue each collector's schedule where the last holder left it. */
async function startTimes(s: Sampler, claimed: string[], now: number) {
  for (const c of s.collectors) {
    const intervalMs = c.intervalS() * 1000;
    // Each collector is asked only about entries of its own kind (servers or PgBouncers).
    const mine = claimed.filter((id) => {
      const t = findServerSafe(id);
      return t !== undefined && targetKind(t) === (c.target ?? "postgres");
    });
    if (!mine.length) continue;
    const last = c.lastRunTimes ? await c.lastRunTimes(mine).catch(() => new Map<string, number | null>()) : new Map<string, number | null>();
    for (const id of mine) {
      const at = last.get(id);
      // No record: the current interval has not been sampled (or we cannot tell): run it now.
      const slot = at === null || at === undefined ? slotOf(now, id, intervalMs) - 1 : slotOf(at, id, intervalMs);
      s.lastSlot.set(runKey(c.name, id), slot);
    }
  }
}

async function housekeeping(s: Sampler) {
  try {
    await ensurePartitions(2);
    await dropOldPartitions(env().PGWARDEN_METRICS_RETENTION_DAYS);
    // With the deltas and rollups gone, texts of statements that stopped running go too.
    await pruneStatementTexts();
    s.logged.delete("housekeeping");
  } catch (err) {
    s.nextHousekeepingAt = Date.now() + 60_000; // try again soon
    logOnce(s, "housekeeping", "partition housekeeping failed", err);
  }
}
