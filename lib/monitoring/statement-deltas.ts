// Deltas between two pg_stat_statements snapshots (pure: unit-tested in test/unit/statement-deltas).
// pgwarden never resets pg_stat_statements; someone else may (pg_stat_statements_reset(), a
// restart, an entry evicted at pg_stat_statements.max and entered again). A counter that went
// down, or any counter after the module's stats_reset or the postmaster start moved, started
// from zero within the interval: its current value IS the interval's delta. So a reset never
// gives a negative delta, nor a huge one (the whole history counted again).

export interface Counters {
  queryid: string;
  datname: string;
  username: string;
  toplevel: boolean;
  calls: number;
  exec_ms: number;
  plan_ms: number | null;
  rows: number;
  shared_blks_hit: number;
  shared_blks_read: number;
  temp_blks: number;
  wal_bytes: number | null;
  blk_read_ms: number | null;
}

export interface SnapshotEpoch {
  statsReset: string | null;
  postmasterStart: string;
  dealloc: number | null;
}

const NUMERIC = ["calls", "exec_ms", "plan_ms", "rows", "shared_blks_hit", "shared_blks_read", "temp_blks", "wal_bytes", "blk_read_ms"] as const;

export function statementKey(c: Pick<Counters, "queryid" | "datname" | "username" | "toplevel">): string {
  return `${c.queryid}\u0000${c.datname}\u0000${c.username}\u0000${c.toplevel ? "t" : "f"}`;
}

export interface DeltaResult {
  /** one row per statement that ran in the interval (calls went up, or it is new) */
  deltas: Counters[];
  /** the module was reset or the server restarted between the two snapshots */
  resetSeen: boolean;
  /** entries evicted in the interval (14+), never negative */
  deallocDelta: number | null;
}

export function statementDeltas(
  prev: { rows: Map<string, Counters>; epoch: SnapshotEpoch },
  rows: Counters[],
  epoch: SnapshotEpoch,
): DeltaResult {
  const resetSeen = prev.epoch.statsReset !== epoch.statsReset || prev.epoch.postmasterStart !== epoch.postmasterStart;
  const deltas: Counters[] = [];
  for (const cur of rows) {
    const before = resetSeen ? undefined : prev.rows.get(statementKey(cur));
    // An entry not seen before was created in the interval (new, or evicted and entered again):
    // all of its counters belong to the interval.
    if (!before || cur.calls < before.calls || cur.exec_ms < before.exec_ms) {
      if (cur.calls > 0) deltas.push({ ...cur });
      continue;
    }
    if (cur.calls === before.calls) continue; // only changed rows are stored
    const d: Counters = { ...cur };
    for (const k of NUMERIC) {
      const a = cur[k];
      const b = before[k];
      (d as unknown as Record<string, number | null>)[k] = a === null ? null : Math.max(0, a - (b ?? 0));
    }
    deltas.push(d);
  }
  let deallocDelta: number | null = null;
  if (epoch.dealloc !== null) {
    const before = prev.epoch.dealloc;
    deallocDelta = before === null || resetSeen || epoch.dealloc < before ? epoch.dealloc : epoch.dealloc - before;
  }
  return { deltas, resetSeen, deallocDelta };
}

/** The map the next snapshot is compared with. */
export function indexSnapshot(rows: Counters[]): Map<string, Counters> {
  const m = new Map<string, Counters>();
  for (const r of rows) m.set(statementKey(r), r);
  return m;
}
