import "server-only";
import { env } from "@/lib/config/env";
import { loadSqlParser, redactSql } from "@/lib/pg/redact";
import { readStatementSnapshot, readStatementTexts, type StatementSnapshot, type StatementsUnavailable } from "@/lib/pg/statements";
import { rollUpStatements, type RollupPosition } from "@/lib/store/statement-rollups";
import { insertStatementSnapshot, insertStatementTexts, lastStatementSnapshots, missingStatementTexts } from "@/lib/store/statements";
import type { Collector, CollectorContext } from "../collector";
import { indexSnapshot, statementDeltas, type Counters, type SnapshotEpoch } from "../statement-deltas";
import { processWide } from "@/lib/process-wide";

// pg_stat_statements once per PGWARDEN_STATEMENTS_INTERVAL_S (60 s): the delta of every statement
// that ran since the previous snapshot (statement-deltas.ts), the number evicted, and the texts of
// statements not stored yet (redacted before they reach the store). The previous snapshot is kept
// in this process's memory: the first snapshot after a start or a lease takeover is a baseline
// without deltas (the interval before it is not attributed rather than guessed). After storing,
// the 10-minute buckets and hours that ended are rolled up (lib/store/statement-rollups.ts).

/** Stored texts are clipped: pg_stat_statements keeps whole texts, a top list needs the start. */
const TEXT_LIMIT = 16_384;

interface Memory {
  prev: Map<string, { rows: Map<string, Counters>; epoch: SnapshotEpoch }>;
  rollups: Map<string, RollupPosition>;
}
const mem = processWide<Memory>("statements-collector", () => ({ prev: new Map(), rollups: new Map() }));

interface Snapshot {
  snap: StatementSnapshot;
  epoch: SnapshotEpoch;
  result: ReturnType<typeof statementDeltas> | null;
  texts: { queryid: string; query: string }[];
}
type Read = Snapshot | StatementsUnavailable;

// Deltas are computed here, at read time, so that texts are fetched only for the statements that
// ran in the interval and have none stored yet: a baseline fetches no text at all, and a busy
// minute a few hundred at most (the texts file is read whole by every call that shows texts).
async function readAll(server: string): Promise<Read> {
  const snap = await readStatementSnapshot(server);
  if ("unavailable" in snap) return snap;
  const epoch: SnapshotEpoch = { statsReset: snap.statsReset, postmasterStart: snap.postmasterStart, dealloc: snap.dealloc };
  const prev = mem.prev.get(server);
  const result = prev ? statementDeltas(prev, snap.rows, epoch) : null;
  const fresh = await missingStatementTexts(server, [...new Set((result?.deltas ?? []).map((r) => r.queryid))]);
  const raw = fresh.length ? await readStatementTexts(server, fresh) : new Map<string, string>();
  if (raw.size) await loadSqlParser();
  const texts = [...raw].map(([queryid, query]) => {
    const clipped = query.length > TEXT_LIMIT ? `${query.slice(0, TEXT_LIMIT)} …` : query;
    return { queryid, query: redactSql(clipped) };
  });
  return { snap, epoch, result, texts };
}

export const statementsCollector: Collector<Read> = {
  name: "statements",
  intervalS: () => env().PGWARDEN_STATEMENTS_INTERVAL_S,
  read: (server) => readAll(server.id),
  async store(ctx: CollectorContext, r: Read) {
    const id = ctx.server.id;
    if ("unavailable" in r) {
      mem.prev.delete(id); // the history restarts with a baseline once the extension is there
      return;
    }
    // Texts first: a statement in the top list always has its text.
    await insertStatementTexts(id, r.texts);
    await insertStatementSnapshot(
      id,
      {
        at: ctx.at,
        hasDeltas: r.result !== null,
        entries: r.snap.rows.length + r.snap.hidden,
        maxEntries: r.snap.maxEntries,
        hidden: r.snap.hidden,
        deallocDelta: r.result?.deallocDelta ?? null,
        statsReset: r.snap.statsReset,
        resetSeen: r.result?.resetSeen ?? false,
      },
      r.result?.deltas ?? [],
    );
    mem.prev.set(id, { rows: indexSnapshot(r.snap.rows), epoch: r.epoch });
    try {
      mem.rollups.set(id, await rollUpStatements(id, ctx.at, mem.rollups.get(id)));
    } catch (err) {
      // The snapshot is stored; reads fall back to raw deltas for buckets not rolled up, and the
      // next snapshot tries again from the store's marks.
      mem.rollups.delete(id);
      console.error(`pgwarden: rolling up statements of server ${id} failed:`, err);
    }
  },
  // After a takeover, continue the schedule; a server without a recent snapshot waits for its
  // slot in the next interval instead of being read at once: a replica claiming 200 servers must
  // take their core samples first, not 200 pg_stat_statements snapshots in the same second.
  async lastRunTimes(servers) {
    const last = await lastStatementSnapshots(servers);
    const now = Date.now();
    return new Map([...last].map(([server, at]) => [server, at ?? now]));
  },
};

/** Tests switch stores between files: forget the previous snapshots and rollup positions. */
export function forgetStatementsCollectorState() {
  mem.prev.clear();
  mem.rollups.clear();
}
