import "server-only";
import { cacheKey, LIFETIMES } from "./cache-keys";
import { cached, cachedIfReady } from "./cache";
import type { Target } from "./pools";
import { backgroundRead, coalescedRead, read } from "./run";
import { sizeNewcomers, sizeSnapshot } from "./size-measure";
import { forgetRelations, type SizeSnapshot } from "./relations/size-model";
import { processWide } from "@/lib/process-wide";

export type { IndexSnapshotEntry, SizeSnapshot, TableSizes } from "./relations/size-model";

// The size snapshot of a database (measured by size-measure.ts) is computed once per lifetime
// however many viewers and pages ask, shared by the server entries of one cluster, kept up to date
// between snapshots (newcomers, a finished job's relations, a census), and on a first look
// replaced by one page measured alone while the whole database is measured in the background.

export const SIZE_SNAPSHOT_TTL_MS = LIFETIMES["size-snapshot"].ttlMs;

/** How often the census (sizeNewcomers with `census`) runs while a snapshot is served. */
export const SIZE_CENSUS_MS = LIFETIMES["size-census"].ttlMs!; // a fixed TTL (cache-keys.ts)

/** Served while a newer snapshot is computed in the background (sizes change slowly). */
export const SIZE_SNAPSHOT_MAX_STALE_MS = LIFETIMES["size-snapshot"].maxStaleMs;

// Snapshots are keyed by the cluster (pg_control_system's system identifier) and the database
// name, not by the server entry: two entries for the same cluster (a direct URL and one through
// PgBouncer, say) share one snapshot instead of measuring the same files twice. A physical
// standby has its primary's identifier and the same files, so it shares too. The identity is
// read once per target and kept for ten minutes (one tiny query).
const CLUSTER_IDENTITY = /* sql */ `
  SELECT (SELECT system_identifier::text FROM pg_control_system()) AS system_identifier, current_database() AS database`;
const clusterOfServer = processWide("size-snapshot.clusters", () => new Map<string, string>());

/** "system identifier / database" of a target, the key its size snapshot is kept under. */
export async function clusterScope(target: Target): Promise<{ server: string; database: string }> {
  const id = await cached(cacheKey(target, "cluster-identity"), () =>
    read(target, async (db) => (await db.query(CLUSTER_IDENTITY)).rows[0] as { system_identifier: string; database: string }),
  );
  clusterOfServer.set(target.server, id.system_identifier);
  // A scope of its own ("cluster:<id>"), apart from every server entry's.
  return { server: `cluster:${id.system_identifier}`, database: id.database };
}

const sameCluster = (a: string, b: string) => a === b || (clusterOfServer.has(a) && clusterOfServer.get(a) === clusterOfServer.get(b));

/**
 * The snapshot for (server, database), computed at most once per lifetime (cache-keys.ts: 10
 * minutes) however many viewers ask (single-flight), refreshed in the background rather than on a viewer's request, with its own
 * statement_timeout. A viewer waits for a cold one at most statement_timeout + 1 s (the bound for
 * any request): after that the answer is "still computing" while it finishes in the background.
 */
export async function cachedSizeSnapshot(target: Target): Promise<SizeSnapshot> {
  return cached(cacheKey(await clusterScope(target), "size-snapshot"), () => backgroundRead(target, sizeSnapshot));
}

// Relations a finished job changed, per server and database: applied to every cached snapshot
// measured (started) before the job ended, including one whose computation was in flight then.
interface Forget {
  id: number;
  server: string;
  database: string;
  relids: number[];
  at: number;
}
// Process-wide: the job worker (instrumentation's bundle) forgets, the pages' and routes' bundles read.
const forgotten = processWide("size-snapshot.forgets", () => ({ list: [] as Forget[], seq: 0 }));

/** After a job on `relids` of (server, database): those relations are measured again on next sight. */
export function forgetSizes(server: string, database: string, relids: number[]) {
  const now = Date.now();
  forgotten.list = forgotten.list.filter((f) => now - f.at < SIZE_SNAPSHOT_MAX_STALE_MS + SIZE_SNAPSHOT_TTL_MS);
  forgotten.list.push({ id: ++forgotten.seq, server, database, relids, at: now });
}

function applyForgets(snap: SizeSnapshot, server: string) {
  for (const f of forgotten.list) {
    if (!sameCluster(f.server, server) || f.database !== snap.database || f.at < snap.startedAt || snap.applied.has(f.id)) continue;
    snap.applied.add(f.id);
    forgetRelations(snap, f.relids);
  }
}

/**
 * The cached snapshot with every relation of the database sized now: what the pages read.
 * `newcomers: false`: the caller runs sizeNewcomers itself, in its own read (one transaction less
 * per poll for the Tables page).
 */
export async function currentSizes(target: Target, opts: { newcomers?: boolean } = {}): Promise<SizeSnapshot> {
  return upToDate(target, await cachedSizeSnapshot(target), opts.newcomers ?? true);
}

/**
 * Like currentSizes, but without waiting for a snapshot that is not there yet (the first look at
 * a database: seconds at 10,000 tables): then `firstPage` answers (a page measured alone) and the
 * whole database is measured in the background once it has — on 2 cores the two would compete
 * for the CPU (the first rows came 2-3× later).
 */
export async function sizesOrFirstPage<P>(
  target: Target,
  firstPage: () => Promise<P>,
  opts: { newcomers?: boolean } = {},
): Promise<{ sizes: SizeSnapshot; page?: undefined } | { sizes?: undefined; page: P }> {
  let answered!: () => void;
  const firstPageDone = new Promise<void>((resolve) => (answered = resolve));
  const load = () => firstPageDone.then(() => backgroundRead(target, sizeSnapshot));
  const snap = await cachedIfReady(cacheKey(await clusterScope(target), "size-snapshot"), load);
  if (snap) {
    answered(); // not this caller's load (or none started): nothing waits on it
    return { sizes: await upToDate(target, snap, opts.newcomers ?? true) };
  }
  try {
    return { page: await firstPage() };
  } finally {
    answered();
  }
}

async function upToDate(target: Target, snap: SizeSnapshot, newcomers: boolean): Promise<SizeSnapshot> {
  applyForgets(snap, target.server);
  // The census first (rare, it may drop relations; none while the snapshot is younger than its
  // interval), then the cheap look for newer OIDs (every poll).
  const round = Math.floor((Date.now() - snap.takenAt) / SIZE_CENSUS_MS);
  if (round > 0) await coalescedRead(target, ["size-census", snap.takenAt, round], (db) => sizeNewcomers(db, snap, { census: true }));
  if (newcomers) await coalescedRead(target, ["size-newcomers", snap.takenAt, snap.applied.size], (db) => sizeNewcomers(db, snap));
  return snap;
}
