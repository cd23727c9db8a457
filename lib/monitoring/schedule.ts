import type { AnyCollector, SampledTarget } from "./collector";
import { targetKind } from "./collector";

// The sampler's schedule, without timers or state of its own: each server keeps a fixed offset
// inside every collector interval (200 servers are spread over the interval instead of all read at
// :00), and when runs fall behind the most overdue go first.

/** A stable offset in [0, intervalMs) per server, so its samples keep their place in the interval. */
export function offsetOf(server: string, intervalMs: number): number {
  let h = 2166136261;
  for (let i = 0; i < server.length; i++) h = Math.imul(h ^ server.charCodeAt(i), 16777619);
  return (h >>> 0) % intervalMs;
}

/** The number of the interval `t` falls in, for this server's offset. */
export function slotOf(t: number, server: string, intervalMs: number): number {
  return Math.floor((t - offsetOf(server, intervalMs)) / intervalMs);
}

/** The schedule's memory key of one collector for one server. */
export function runKey(collector: string, server: string): string {
  return `${collector}\u0000${server}`;
}

export interface DueRun {
  /** when this run should have started (epoch ms): the order of the queue */
  at: number;
  collector: AnyCollector;
  server: SampledTarget;
  key: string;
  /** the interval it samples; remembered when it starts so a late run does not repeat missed ones */
  slot: number;
}

/**
 * The runs due at `now`, most overdue first: for every server whose lease is still ours (`held`:
 * server → until when) and every collector of its kind whose current interval has not started.
 * A server never seen starts with its current interval.
 */
export function dueRuns(opts: {
  now: number;
  held: ReadonlyMap<string, number>;
  lastSlot: ReadonlyMap<string, number>;
  collectors: readonly AnyCollector[];
  find: (id: string) => SampledTarget | undefined;
}): DueRun[] {
  const { now, held, lastSlot, collectors, find } = opts;
  const due: DueRun[] = [];
  for (const [id, until] of held) {
    if (until <= now) continue; // the lease may be gone: never sample without one
    const server = find(id);
    if (!server) continue;
    for (const c of collectors) {
      if ((c.target ?? "postgres") !== targetKind(server)) continue;
      if (c.appliesTo && !c.appliesTo(server)) continue;
      const key = runKey(c.name, id);
      const intervalMs = c.intervalS() * 1000;
      const slot = slotOf(now, id, intervalMs);
      const last = lastSlot.get(key) ?? slot - 1;
      if (slot <= last) continue;
      due.push({ at: (last + 1) * intervalMs + offsetOf(id, intervalMs), collector: c, server, key, slot });
    }
  }
  return due.sort((x, y) => x.at - y.at);
}
