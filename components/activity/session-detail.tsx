"use client";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Dialog } from "@/components/ui/dialog";
import { SqlText } from "@/components/ui/sql-text";
import { useFormatTime } from "@/components/ui/time";
import { ageMs } from "@/lib/activity/duration";
import { lockTarget } from "@/lib/activity/locks";
import { formatDuration } from "@/lib/format";
import { useSessionLocks } from "@/lib/queries/activity";
import type { Session } from "@/lib/schemas/activity";
import type { SessionLock } from "@/lib/schemas/locks";
import { UNKILLABLE_TEXT } from "./unkillable";

function Facts({ rows }: { rows: [string, React.ReactNode][] }) {
  return (
    <dl className="grid grid-cols-[9rem_1fr] content-start gap-x-3 gap-y-0.5 text-sm">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="text-zinc-500">{k}</dt>
          <dd className="break-all">{v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Locks({ server, session, now }: { server: string; session: Session; now: number }) {
  const q = useSessionLocks(server, session);
  const fmt = useFormatTime();
  const d = q.data;
  const columns: Column<SessionLock>[] = [
    { id: "target", header: "on", className: "font-mono", sortValue: lockTarget, firstDir: "asc", cell: lockTarget },
    { id: "type", header: "lock type", sortValue: (l) => l.locktype, firstDir: "asc", cell: (l) => l.locktype },
    { id: "mode", header: "mode", sortValue: (l) => l.mode, firstDir: "asc", cell: (l) => <Badge tone={l.mode === "AccessExclusiveLock" ? "red" : "neutral"}>{l.mode}</Badge> },
  ];
  const waitColumns: Column<SessionLock>[] = [
    ...columns,
    { id: "since", header: "waiting for", align: "right", cell: (l) => <span title={fmt(l.waitStart)}>{l.waitStart === null ? "—" : formatDuration(ageMs(l.waitStart, d?.serverNow ?? now))}</span> },
  ];
  if (session.backendStartUs === null) return <p className="text-sm text-zinc-500">Locks cannot be read: this session&apos;s identity is hidden from the console&apos;s role.</p>;
  if (d && !d.found) return <p className="text-sm text-zinc-500">The session has ended: it holds no locks any more.</p>;
  return (
    <div className="flex flex-col gap-2" data-testid="session-locks">
      {d && d.awaited.length > 0 && (
        <div className="flex flex-col gap-1" data-testid="locks-awaited">
          <h3 className="text-sm font-semibold text-red-800 dark:text-red-300">Waits for</h3>
          <DataTable columns={waitColumns} rows={d.awaited} rowKey={lockTarget} error={q.error} />
          {d.blockedBy.length > 0 && (
            <ul className="text-xs">
              {d.blockedBy.map((b) => (
                <li key={b.pid}>
                  held up by <span className="font-mono">{b.pid}</span> {b.user ?? "?"} ({b.application || "no application name"}) · {b.state ?? "?"} ·{" "}
                  <span className="font-mono">{b.query?.replace(/\s+/g, " ").slice(0, 160)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="flex flex-col gap-1" data-testid="locks-held">
        <h3 className="text-sm font-semibold">Holds {d ? `(${d.held.length}${d.truncated ? "+, the list is cut at 500" : ""})` : ""}</h3>
        <DataTable columns={columns} rows={d?.held} rowKey={(l) => `${l.locktype}:${lockTarget(l)}:${l.mode}`} error={q.error} empty="No locks held." maxHeight="30vh" initialSort={{ key: "target", dir: "asc" }} />
      </div>
    </div>
  );
}

/** One session: what it does, since when, the locks it holds and waits for, and the buttons to stop it. */
export function SessionDetail({
  server,
  session,
  serverNow,
  inList,
  canSignal,
  actionsOff,
  onSignal,
  onClose,
}: {
  server: string;
  session: Session | null;
  serverNow: number;
  /** false when the session has left the (filtered) list since it was opened */
  inList: boolean;
  canSignal: boolean;
  actionsOff?: string;
  onSignal: (kind: "cancel" | "terminate", s: Session) => void;
  onClose: () => void;
}) {
  const fmt = useFormatTime();
  if (!session) return null;
  const s = session;
  const since = (at: number | null) => (at === null ? "—" : `${fmt(at)} (${formatDuration(ageMs(at, serverNow))} ago)`);
  return (
    <Dialog open onClose={onClose} title={`Session ${s.pid}`} testId="session-detail">
      <div className="flex flex-col gap-3">
        <div className="flex flex-wrap items-center gap-2">
          {s.unkillable ? (
            <span className="text-sm text-zinc-500">Cannot be signalled from pgwarden: {UNKILLABLE_TEXT[s.unkillable]}.</span>
          ) : canSignal ? (
            <>
              <Button disabled={!!actionsOff} title={actionsOff} onClick={() => onSignal("cancel", s)}>
                Cancel query
              </Button>
              <Button variant="danger" disabled={!!actionsOff} title={actionsOff} onClick={() => onSignal("terminate", s)}>
                Terminate session
              </Button>
            </>
          ) : null}
          {!inList && <Badge tone="yellow">no longer in the list: shown as last seen</Badge>}
          <Button variant="ghost" className="ml-auto" onClick={onClose}>
            Close
          </Button>
        </div>
        <div className="grid gap-3 md:grid-cols-2">
          <Facts
            rows={[
              ["pid", <span key="pid" className="font-mono">{s.pid}</span>],
              ["state", s.state ?? "—"],
              ["database", s.database ?? "—"],
              ["user", s.user ?? "—"],
              ["application", s.application || "—"],
              ["client", s.clientAddr ?? "local socket"],
              ["backend type", s.backendType],
              ["wait event", s.waitEventType ? `${s.waitEventType}: ${s.waitEvent}` : "—"],
              ["blocked by", s.blockedBy.join(", ") || "—"],
            ]}
          />
          <Facts
            rows={[
              ["backend start", since(s.backendStartUs === null ? null : s.backendStartUs / 1000)],
              ["transaction start", since(s.xactStart)],
              ["query start", since(s.queryStart)],
              ["state since", since(s.stateChange)],
            ]}
          />
        </div>
        <SqlText sql={s.query} truncated={s.queryTruncated} lines={20} />
        <Locks server={server} session={s} now={serverNow} />
      </div>
    </Dialog>
  );
}
