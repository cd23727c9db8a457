"use client";
import { Button } from "@/components/ui/button";
import { waitersOf } from "@/lib/activity/tree";
import { formatDuration } from "@/lib/format";
import type { BlockingNode, Session } from "@/lib/schemas/activity";
import { sessionDurationMs } from "@/lib/activity/duration";

function Node({ node, byPid, now, depth }: { node: BlockingNode; byPid: Map<number, Session>; now: number; depth: number }) {
  const s = byPid.get(node.pid);
  return (
    <li style={{ marginLeft: depth ? "1.25rem" : 0 }} data-testid="tree-node" data-pid={node.pid}>
      <span className="font-mono">{node.pid}</span>{" "}
      <span className="text-zinc-500">
        {s ? `${s.user ?? "?"}@${s.database ?? "?"} · ${s.state ?? s.backendType} ${formatDuration(sessionDurationMs(s, now))}` : "(not in the current list)"}
      </span>{" "}
      {s?.query && <span className="font-mono text-xs">{s.query.slice(0, 140)}</span>}
      {node.waiters.length > 0 && (
        <ul>
          {node.waiters.map((w) => (
            <Node key={w.pid} node={w} byPid={byPid} now={now} depth={depth + 1} />
          ))}
        </ul>
      )}
    </li>
  );
}

/** Waiting sessions under their root blocker; the root is what to deal with. */
export function BlockingTrees({
  trees,
  sessions,
  serverNow,
  onTerminateRoot,
  canSignal,
}: {
  trees: BlockingNode[];
  sessions: Session[];
  serverNow: number;
  onTerminateRoot: (root: Session) => void;
  canSignal: boolean;
}) {
  if (!trees.length) return null;
  const byPid = new Map(sessions.map((s) => [s.pid, s]));
  return (
    <section className="rounded border border-red-300 bg-red-50/50 p-3 text-sm dark:border-red-900 dark:bg-red-950/20" data-testid="blocking-trees">
      <h2 className="mb-2 font-semibold text-red-800 dark:text-red-300">Blocking chains ({trees.length})</h2>
      {trees.map((t) => {
        const root = byPid.get(t.pid);
        return (
          <div key={t.pid} className="mb-2" data-testid="blocking-tree" data-root={t.pid}>
            <div className="mb-1 flex items-center gap-2">
              <span>
                root blocker <b className="font-mono">{t.pid}</b> holds up {waitersOf(t).length} session(s)
              </span>
              {root && !root.unkillable && canSignal && (
                <Button size="sm" variant="danger" onClick={() => onTerminateRoot(root)}>
                  Terminate root blocker
                </Button>
              )}
              {root?.unkillable && <span className="text-xs text-zinc-500">root cannot be signalled from pgwarden ({root.unkillable.replace("_", " ")})</span>}
            </div>
            <ul>
              <Node node={t} byPid={byPid} now={serverNow} depth={0} />
            </ul>
          </div>
        );
      })}
    </section>
  );
}
