import type { BlockingNode, Session } from "@/lib/schemas/activity";

/** A chain as pids only: the shape of the lock graph, before the sessions are attached. */
export interface PidTree {
  pid: number;
  waiters: PidTree[];
}

/**
 * Groups waiting sessions under their root blockers, chains of any depth.
 * pg_blocking_pids reports both the lock holder and sessions queued ahead for the same lock, so a
 * waiter deep in a chain lists the root too; it is placed under the blockers that are themselves
 * waiting (the nearest link), which keeps each chain a single readable path.
 */
export function blockingTrees(sessions: Pick<Session, "pid" | "blockedBy">[]): PidTree[] {
  const waiting = new Map<number, number[]>();
  for (const s of sessions) if (s.blockedBy.length) waiting.set(s.pid, s.blockedBy);
  if (waiting.size === 0) return [];

  const children = new Map<number, number[]>();
  for (const [pid, blockers] of waiting) {
    const waitingBlockers = blockers.filter((b) => waiting.has(b) && b !== pid);
    const parents = waitingBlockers.length ? waitingBlockers : blockers;
    for (const p of parents) {
      if (p === pid) continue;
      const list = children.get(p) ?? [];
      list.push(pid);
      children.set(p, list);
    }
  }

  const build = (pid: number, path: Set<number>): PidTree => {
    const next = new Set(path).add(pid);
    const kids = (children.get(pid) ?? []).filter((c) => !next.has(c)).sort((a, b) => a - b);
    return { pid, waiters: kids.map((c) => build(c, next)) };
  };

  // Roots: blockers that are not waiting themselves.
  const roots = [...children.keys()].filter((p) => !waiting.has(p)).sort((a, b) => a - b);
  const trees = roots.map((r) => build(r, new Set()));

  // A cycle (a deadlock before the detector fires) has no root: show it from its lowest pid.
  const covered = new Set<number>();
  const mark = (n: PidTree) => {
    covered.add(n.pid);
    n.waiters.forEach(mark);
  };
  trees.forEach(mark);
  for (const pid of [...waiting.keys()].sort((a, b) => a - b)) {
    if (!covered.has(pid)) {
      const t = build(pid, new Set());
      mark(t);
      trees.push(t);
    }
  }
  return trees;
}

/** The trees with each node's session from the whole snapshot (not the filtered list). */
export function withSessions(trees: PidTree[], sessions: Session[]): BlockingNode[] {
  const byPid = new Map(sessions.map((s) => [s.pid, s]));
  const attach = (t: PidTree): BlockingNode => ({ pid: t.pid, session: byPid.get(t.pid) ?? null, waiters: t.waiters.map(attach) });
  return trees.map(attach);
}

/** Every pid in a tree below its root (the sessions a root blocker is holding up). */
export function waitersOf(node: PidTree): number[] {
  const out = new Set<number>();
  const walk = (n: PidTree) => n.waiters.forEach((w) => (out.add(w.pid), walk(w)));
  walk(node);
  return [...out];
}
