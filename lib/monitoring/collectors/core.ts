import "server-only";
import { env } from "@/lib/config/env";
import { DbError } from "@/lib/pg/errors";
import { readServerSample, rememberVersion, type ServerSample } from "@/lib/pg/samples";
import { lastSamples, serverStates } from "@/lib/store/metric-reads";
import { insertServerSample, nextHourToRollUp, recordServerState, rollUpHours } from "@/lib/store/metrics";
import type { Collector, CollectorContext } from "../collector";
import { processWide } from "@/lib/process-wide";

// The server sample every interval (connections, TPS, cache, waits, WAL, checkpoints, ...), the
// server's up/down state for the fleet, and the hourly rollup of the server's finished hours.

const HOUR_MS = 3_600_000;

// Per process: the last state written per server (so "up" is written on change only), and the
// next hour to roll up. That one is read from the store only once an hour has ended since this
// process started storing for the server: a replica taking 100 servers over does not look up
// 100 rollup positions at once (and the hour before is read from raw points until then).
interface Memory {
  lastOk: Map<string, boolean>;
  nextRollup: Map<string, number | null>;
  firstHour: Map<string, number>;
}
const mem = processWide<Memory>("core-collector", () => ({ lastOk: new Map(), nextRollup: new Map(), firstHour: new Map() }));

async function rollUpFinishedHours(server: string, now: number) {
  const hourStart = Math.floor(now / HOUR_MS) * HOUR_MS;
  let next = mem.nextRollup.get(server);
  if (next === undefined) {
    const first = mem.firstHour.get(server);
    if (first === undefined) mem.firstHour.set(server, hourStart);
    if (first === undefined || first === hourStart) return;
    next = await nextHourToRollUp(server);
    mem.nextRollup.set(server, next);
  }
  if (next === null || next >= hourStart) return;
  await rollUpHours(server, next, hourStart);
  mem.nextRollup.set(server, hourStart);
}

function describe(err: unknown): { code: string; message: string } {
  if (err instanceof DbError) return { code: err.code, message: err.message };
  return { code: "internal", message: "The sample could not be read." };
}

export const coreCollector: Collector<ServerSample> = {
  name: "server",
  intervalS: () => env().PGWARDEN_SAMPLE_INTERVAL_S,
  read: (server) => readServerSample(server.id),
  async store(ctx: CollectorContext, sample: ServerSample) {
    const id = ctx.server.id;
    await insertServerSample(id, ctx.at, sample, ctx.intervalS);
    if (mem.lastOk.get(id) !== true) {
      await recordServerState(id, true);
      mem.lastOk.set(id, true);
    }
    await rollUpFinishedHours(id, ctx.at);
  },
  async failed(ctx, err) {
    // Every connection of the server's budget in use by pages ("console busy"): the server answers,
    // so this is a skipped sample, never "down" on the fleet. The next interval tries again.
    if (err instanceof DbError && err.code === "console_busy") return;
    // Written on every failure: checked_at tells the fleet the "down" is current, not stale.
    await recordServerState(ctx.server.id, false, describe(err));
    mem.lastOk.set(ctx.server.id, false);
  },
  // Called when this replica takes servers over: continue their schedule, start from the version
  // the previous holder saw, and know which of them the store has as down (to write "up" once).
  async lastRunTimes(servers) {
    const [last, states] = await Promise.all([lastSamples(servers), serverStates(servers)]);
    for (const id of servers) mem.lastOk.set(id, states.get(id)?.ok ?? false);
    for (const [server, l] of last) if (l?.versionNum) rememberVersion(server, l.versionNum);
    return new Map([...last].map(([server, l]) => [server, l?.at ?? null]));
  },
};

/** Tests switch stores between files: forget what this process wrote to the previous one. */
export function forgetCoreCollectorState() {
  mem.lastOk.clear();
  mem.nextRollup.clear();
  mem.firstHour.clear();
}
