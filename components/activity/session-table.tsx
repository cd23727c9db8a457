"use client";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable, type Column, type SortDir } from "@/components/ui/data-table";
import { useFormatTime } from "@/components/ui/time";
import { sessionDurationMs } from "@/lib/activity/duration";
import { defaultSortDir } from "@/lib/activity/filter";
import { formatDuration } from "@/lib/format";
import type { Session, SORT_KEYS } from "@/lib/schemas/activity";
import { UNKILLABLE_TEXT } from "./unkillable";

type SortKey = (typeof SORT_KEYS)[number];

// Fits a 1366 px laptop: the query is the widest column; transaction and backend age, client and
// wait event live in the session's detail (click the query). Two-line rows keep user, database and
// application together.
const ROW_H = 46;

function stateTone(s: Session): Tone {
  if (s.waitEventType === "Lock") return "red";
  if (s.state?.startsWith("idle in transaction")) return "yellow";
  if (s.state === "active") return "green";
  return "neutral";
}

/** The query on at most two lines, whitespace collapsed: the start of a statement says what it is. */
export const oneLine = (q: string) => q.replace(/\s+/g, " ").trim();

export function SessionTable(p: {
  rows: Session[] | undefined;
  error: unknown;
  serverNow: number;
  selected: Set<number>;
  onToggle: (s: Session) => void;
  onOpen: (s: Session) => void;
  onSignal: (kind: "cancel" | "terminate", s: Session) => void;
  canSignal: boolean;
  /** why actions are off (the server did not answer the last poll); undefined when they are on */
  actionsOff?: string;
  sort: SortKey;
  dir: SortDir;
  onSort: (key: SortKey, dir: SortDir) => void;
}) {
  const fmt = useFormatTime();
  const columns: Column<Session>[] = [
    {
      id: "select",
      header: "",
      width: "2rem",
      cell: (s) => (
        <input type="checkbox" aria-label={`select ${s.pid}`} checked={p.selected.has(s.pid)} disabled={!!s.unkillable || !p.canSignal || !!p.actionsOff} onChange={() => p.onToggle(s)} />
      ),
    },
    { id: "pid", header: "pid", sortKey: "pid", firstDir: defaultSortDir("pid"), width: "4.5rem", className: "font-mono tabular-nums", cell: (s) => s.pid },
    {
      id: "actions",
      header: "",
      width: "9.5rem",
      cell: (s) =>
        s.unkillable ? (
          <span className="line-clamp-2 text-zinc-500" title={UNKILLABLE_TEXT[s.unkillable]}>
            {UNKILLABLE_TEXT[s.unkillable]}
          </span>
        ) : p.canSignal ? (
          <span className="flex gap-1" title={p.actionsOff}>
            <Button size="sm" disabled={!!p.actionsOff} onClick={() => p.onSignal("cancel", s)}>
              Cancel
            </Button>
            <Button size="sm" variant="danger" disabled={!!p.actionsOff} onClick={() => p.onSignal("terminate", s)}>
              Terminate
            </Button>
          </span>
        ) : null,
    },
    {
      id: "state",
      header: "state",
      sortKey: "state",
      firstDir: defaultSortDir("state"),
      width: "9rem",
      cell: (s) => (
        <div className="flex flex-col items-start gap-0.5">
          {s.visible ? <Badge tone={stateTone(s)}>{s.state ?? s.backendType}</Badge> : <Badge title="needs pg_read_all_stats">hidden</Badge>}
          {s.blockedBy.length > 0 && <span className="truncate font-mono text-red-700 dark:text-red-300">blocked by {s.blockedBy.join(", ")}</span>}
        </div>
      ),
    },
    {
      id: "duration",
      header: "duration",
      sortKey: "duration",
      firstDir: defaultSortDir("duration"),
      align: "right",
      width: "5.5rem",
      title: "active: the query's age; idle in transaction: the transaction's; otherwise time in this state",
      cell: (s) => <span title={`query start ${fmt(s.queryStart)}`}>{formatDuration(sessionDurationMs(s, p.serverNow))}</span>,
    },
    {
      id: "user",
      // One column for three names, each its own sort.
      header: (
        <span className="flex gap-1">
          {(["user", "database", "application"] as const).map((k, i) => (
            <span key={k}>
              {i > 0 && "· "}
              <button type="button" className="hover:underline" onClick={() => p.onSort(k, p.sort === k ? (p.dir === "asc" ? "desc" : "asc") : defaultSortDir(k))}>
                {k}
                {p.sort === k ? (p.dir === "asc" ? " ▲" : " ▼") : ""}
              </button>
            </span>
          ))}
        </span>
      ),
      width: "13rem",
      cell: (s) => (
        <div className="min-w-0">
          <div className="truncate" title={`${s.user ?? "—"} on ${s.database ?? "—"}`}>
            {s.user ?? "—"} <span className="text-zinc-500">· {s.database ?? "—"}</span>
          </div>
          <div className="truncate text-zinc-500" title={s.application}>
            {s.application || "—"}
          </div>
        </div>
      ),
    },
    {
      id: "query",
      header: "query",
      cell: (s) => (
        <button type="button" className="line-clamp-2 w-full text-left font-mono break-all hover:underline" onClick={() => p.onOpen(s)} title="show the whole query" data-testid="session-query">
          {s.visible ? (s.query ? oneLine(s.query) : "—") : "hidden (needs pg_read_all_stats)"}
        </button>
      ),
    },
  ];
  return (
    <DataTable
      columns={columns}
      rows={p.rows}
      rowKey={(s) => `${s.pid}:${s.backendStartUs}`}
      rowAttrs={(s) => ({ "data-testid": "session-row", "data-pid": s.pid })}
      sort={{ key: p.sort, dir: p.dir, onSort: (k, d) => p.onSort(k as SortKey, d) }}
      error={p.error}
      empty="No session matches these filters."
      virtual={{ rowHeight: ROW_H }}
      maxHeight="60vh"
      layout="fixed"
      minWidth="56rem"
      testId="session-table"
      label="Sessions"
    />
  );
}
