"use client";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ageMs, sessionDurationMs } from "@/lib/activity/duration";
import { formatDuration, formatTimestamp } from "@/lib/format";
import type { Session, SORT_KEYS } from "@/lib/schemas/activity";
import { UNKILLABLE_TEXT } from "./unkillable";

const COLS = "2rem 4.5rem 9.5rem 9rem 5.5rem 5.5rem 5.5rem 6rem 7rem 7rem 8rem 7rem 9rem minmax(16rem,1fr)";
const ROW_H = 34;
type SortKey = (typeof SORT_KEYS)[number];

function stateTone(s: Session): Tone {
  if (s.waitEventType === "Lock") return "red";
  if (s.state?.startsWith("idle in transaction")) return "yellow";
  if (s.state === "active") return "green";
  return "neutral";
}

const age = (since: number | null, now: number) => formatDuration(ageMs(since, now));

export function SessionTable({
  rows,
  serverNow,
  selected,
  onToggle,
  onOpen,
  onSignal,
  canSignal,
  sort,
  dir,
  onSort,
}: {
  sort: SortKey;
  dir: "asc" | "desc";
  onSort: (key: SortKey) => void;
  rows: Session[];
  serverNow: number;
  selected: Set<number>;
  onToggle: (s: Session) => void;
  onOpen: (s: Session) => void;
  onSignal: (kind: "cancel" | "terminate", s: Session) => void;
  canSignal: boolean;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  // Thousands of sessions: only the visible rows are in the DOM.
  // initialRect: the first rows are rendered on the server too (the page brings its first data),
  // so they show before the scripts have loaded; the real size is measured after hydration.
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_H,
    overscan: 12,
    initialRect: { width: 1600, height: 600 },
  });
  const header: [string, SortKey?][] = [
    [""], ["pid", "pid"], [""], ["state", "state"], ["duration", "duration"], ["xact", "xact_age"], ["backend", "backend_age"], ["blocked by"],
    ["database", "database"], ["user", "user"], ["application", "application"], ["client"], ["wait event"], ["query"],
  ];
  return (
    <div ref={scroller} className="h-[60vh] overflow-auto rounded border border-zinc-200 dark:border-zinc-800" data-testid="session-table" role="table" aria-rowcount={rows.length}>
      <div className="min-w-[110rem]">
        <div role="row" className="sticky top-0 z-10 grid border-b border-zinc-200 bg-zinc-50 text-xs font-medium text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400" style={{ gridTemplateColumns: COLS }}>
          {header.map(([label, key], i) => (
            <div key={i} role="columnheader" className="truncate px-2 py-1.5" aria-sort={key && sort === key ? (dir === "asc" ? "ascending" : "descending") : undefined}>
              {key ? (
                <button type="button" className="hover:underline" onClick={() => onSort(key)}>
                  {label}
                  {sort === key ? (dir === "asc" ? " ▲" : " ▼") : ""}
                </button>
              ) : (
                label
              )}
            </div>
          ))}
        </div>
        <div style={{ height: virtual.getTotalSize(), position: "relative" }}>
          {virtual.getVirtualItems().map((v) => {
            const s = rows[v.index]!;
            return (
              <div
                key={`${s.pid}:${s.backendStartUs}`}
                role="row"
                data-pid={s.pid}
                data-testid="session-row"
                className="absolute left-0 grid w-full items-center border-b border-zinc-100 text-xs hover:bg-zinc-50 dark:border-zinc-900 dark:hover:bg-zinc-900"
                style={{ gridTemplateColumns: COLS, height: ROW_H, transform: `translateY(${v.start}px)` }}
              >
                <div className="px-2">
                  <input type="checkbox" aria-label={`select ${s.pid}`} checked={selected.has(s.pid)} disabled={!!s.unkillable} onChange={() => onToggle(s)} />
                </div>
                <div className="px-2 font-mono tabular-nums">{s.pid}</div>
                <div className="flex gap-1 px-2">
                  {s.unkillable ? (
                    <span className="truncate text-zinc-500" title={UNKILLABLE_TEXT[s.unkillable]}>{UNKILLABLE_TEXT[s.unkillable]}</span>
                  ) : canSignal ? (
                    <>
                      <Button size="sm" onClick={() => onSignal("cancel", s)}>Cancel</Button>
                      <Button size="sm" variant="danger" onClick={() => onSignal("terminate", s)}>Terminate</Button>
                    </>
                  ) : null}
                </div>
                <div className="truncate px-2">
                  {s.visible ? <Badge tone={stateTone(s)}>{s.state ?? s.backendType}</Badge> : <Badge title="needs pg_read_all_stats">hidden</Badge>}
                </div>
                <div className="px-2 tabular-nums" title={`query start ${formatTimestamp(s.queryStart)}`}>
                  {s.state === "active" ? age(s.queryStart, serverNow) : formatDuration(sessionDurationMs(s, serverNow))}
                </div>
                <div className="px-2 tabular-nums" title={formatTimestamp(s.xactStart)}>{age(s.xactStart, serverNow)}</div>
                <div className="px-2 tabular-nums" title={s.backendStartUs ? formatTimestamp(s.backendStartUs / 1000) : ""}>
                  {s.backendStartUs === null ? "—" : age(s.backendStartUs / 1000, serverNow)}
                </div>
                <div className="truncate px-2 font-mono">{s.blockedBy.join(", ")}</div>
                <div className="truncate px-2" title={s.database ?? ""}>{s.database ?? "—"}</div>
                <div className="truncate px-2" title={s.user ?? ""}>{s.user ?? "—"}</div>
                <div className="truncate px-2" title={s.application}>{s.application || "—"}</div>
                <div className="truncate px-2">{s.clientAddr ?? "local"}</div>
                <div className="truncate px-2" title={s.waitEventType ? `${s.waitEventType}: ${s.waitEvent}` : ""}>
                  {s.waitEventType ? `${s.waitEventType}: ${s.waitEvent}` : ""}
                </div>
                <button type="button" className="truncate px-2 text-left font-mono" onClick={() => onOpen(s)} title="show the whole query">
                  {s.visible ? s.query || "—" : "hidden (needs pg_read_all_stats)"}
                </button>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
