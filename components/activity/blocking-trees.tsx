"use client";
import { Button } from "@/components/ui/button";
import { sessionDurationMs } from "@/lib/activity/duration";
import { waitersOf } from "@/lib/activity/tree";
import { formatDuration } from "@/lib/format";
import type { BlockingNode, Session } from "@/lib/schemas/activity";
import { oneLine } from "./session-table";
import { UNKILLABLE_TEXT } from "./unkillable";

function Node({ node, now, depth, onOpen }: { node: BlockingNode; now: number; depth: number; onOpen: (s: Session) => void }) {
  const s = node.session;
  return (
    <li style={{ marginLeft: depth ? "1.25rem" : 0 }} data-testid="tree-node" data-pid={node.pid}>
      <span className="font-mono">{node.pid}</span>{" "}
      <span className="text-zinc-500">
        {s ? `${s.user ?? "?"}@${s.database ?? "?"} · ${s.state ?? s.backendType} ${formatDuration(sessionDurationMs(s, now))}` : "(not a session: a prepared transaction?)"}
      </span>{" "}
      {s?.query && (
        <button type="button" className="font-mono text-xs hover:underline" title="show the session" onClick={() => onOpen(s)}>
          {oneLine(s.query).slice(0, 140)}
        </button>
      )}
      {node.waiters.length > 0 && (
        <ul>
          {node.waiters.map((w) => (
            <Node key={w.pid} node={w} now={now} depth={depth + 1} onOpen={onOpen} />
          ))}
        </ul>
      )}
    </li>
  );
}

/**
 * Waiting sessions under their root blocker; the root is what to deal with. The trees carry their
 * own sessions, so every chain and its "terminate" show whatever the list below is filtered to.
 */
export function BlockingTrees({
  trees,
  serverNow,
  onTerminateRoot,
  onOpen,
  canSignal,
  actionsOff,
}: {
  trees: BlockingNode[];
  serverNow: number;
  onTerminateRoot: (root: Session) => void;
  onOpen: (s: Session) => void;
  canSignal: boolean;
  actionsOff?: string;
}) {
  if (!trees.length) return null;
  return (
    <section className="rounded border border-red-300 bg-red-50/50 p-3 text-sm dark:border-red-900 dark:bg-red-950/20" data-testid="blocking-trees">
      <h2 className="mb-2 font-semibold text-red-800 dark:text-red-300">Blocking chains ({trees.length}) — all of the server, whatever the filters below</h2>
      {trees.map((t) => {
        const root = t.session;
        return (
          <div key={t.pid} className="mb-2" data-testid="blocking-tree" data-root={t.pid}>
            <div className="mb-1 flex flex-wrap items-center gap-2">
              <span>
                root blocker <b className="font-mono">{t.pid}</b> holds up {waitersOf(t).length} session(s)
              </span>
              {root && !root.unkillable && canSignal && (
                <Button size="sm" variant="danger" disabled={!!actionsOff} title={actionsOff} onClick={() => onTerminateRoot(root)}>
                  Terminate root blocker
                </Button>
              )}
              {root?.unkillable && <span className="text-xs text-zinc-500">root cannot be signalled from pgwarden ({UNKILLABLE_TEXT[root.unkillable]})</span>}
            </div>
            <ul>
              <Node node={t} now={serverNow} depth={0} onOpen={onOpen} />
            </ul>
          </div>
        );
      })}
    </section>
  );
}
