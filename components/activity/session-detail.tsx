"use client";
import { Dialog } from "@/components/ui/dialog";
import { SqlText } from "@/components/ui/sql-text";
import { formatTimestamp } from "@/lib/format";
import type { Session } from "@/lib/schemas/activity";

export function SessionDetail({ session, onClose }: { session: Session | null; onClose: () => void }) {
  if (!session) return null;
  const s = session;
  const rows: [string, string][] = [
    ["pid", String(s.pid)],
    ["database", s.database ?? "—"],
    ["user", s.user ?? "—"],
    ["application", s.application || "—"],
    ["client", s.clientAddr ?? "local socket"],
    ["backend type", s.backendType],
    ["state", s.state ?? "—"],
    ["wait event", s.waitEventType ? `${s.waitEventType}: ${s.waitEvent}` : "—"],
    ["backend start", formatTimestamp(s.backendStartUs === null ? null : s.backendStartUs / 1000)],
    ["transaction start", formatTimestamp(s.xactStart)],
    ["query start", formatTimestamp(s.queryStart)],
    ["blocked by", s.blockedBy.join(", ") || "—"],
  ];
  return (
    <Dialog open onClose={onClose} title={`Session ${s.pid}`}>
      <dl className="mb-3 grid grid-cols-[10rem_1fr] gap-x-3 gap-y-1 text-sm">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-zinc-500">{k}</dt>
            <dd className="break-all">{v}</dd>
          </div>
        ))}
      </dl>
      <SqlText sql={s.query} truncated={s.queryTruncated} lines={20} />
    </Dialog>
  );
}
