"use client";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Timestamp } from "@/components/ui/time";
import { formatDuration, parseTime } from "@/lib/format";
import type { MigrationEntry, MigrationTool } from "@/lib/schemas/migrations";
import { StateBadge } from "./state-badge";

function NotRecorded() {
  return <span className="italic text-zinc-400">not recorded by this tool</span>;
}

function When({ e, tool, now }: { e: MigrationEntry; tool: MigrationTool; now: number }) {
  if (!tool.recordsTime) return <NotRecorded />;
  const at = parseTime(e.appliedAt);
  if (at === null) return <span className="text-zinc-400">—</span>;
  const days = Math.floor((now - at) / 86_400_000);
  return (
    <span className="whitespace-nowrap">
      <Timestamp at={at} />
      {days >= 1 ? <span className="ml-1 text-zinc-500">({days} d ago)</span> : null}
    </span>
  );
}

type Row = MigrationEntry & { i: number };

/** Columns only for what this tool records, so an empty column never looks like missing data. Kept in the tool's own order. */
export function TimelineTable({ tool, now }: { tool: MigrationTool; now: number }) {
  const has = (k: keyof MigrationEntry) => tool.entries.some((e) => e[k] !== null && e[k] !== "");
  const mono = "font-mono";
  const columns: (Column<Row> | false)[] = [
    { id: "state", header: "state", cell: (e) => <StateBadge state={e.state} /> },
    has("version") && { id: "version", header: "version", className: mono, cell: (e) => e.version ?? "—" },
    has("name") && {
      id: "name",
      header: "name",
      className: mono,
      cell: (e) => (
        <>
          {e.name ?? "—"}
          {e.error && <pre className="mt-1 max-w-xl whitespace-pre-wrap break-words text-red-700 dark:text-red-300">{e.error}</pre>}
        </>
      ),
    },
    has("description") && { id: "description", header: "description", cell: (e) => e.description ?? "" },
    has("group") && { id: "group", header: "group", align: "right", cell: (e) => e.group ?? "" },
    has("kind") && { id: "kind", header: "kind", cell: (e) => e.kind ?? "" },
    { id: "applied", header: "applied at", cell: (e) => <When e={e} tool={tool} now={now} /> },
    tool.recordsDuration && { id: "duration", header: "duration", align: "right", cell: (e) => formatDuration(e.durationMs) },
    tool.recordsWho && { id: "by", header: "by", cell: (e) => e.appliedBy ?? "—" },
    has("author") && { id: "author", header: "author", cell: (e) => e.author ?? "" },
    has("checksum") && {
      id: "checksum",
      header: "checksum",
      className: `max-w-[10rem] truncate ${mono}`,
      cell: (e) => <span title={e.checksum ?? undefined}>{e.checksum ?? ""}</span>,
    },
  ];
  const rows = tool.entries.map((e, i) => ({ ...e, i }));
  return (
    <div>
      <DataTable
        columns={columns.filter((c): c is Column<Row> => c !== false)}
        rows={rows}
        rowKey={(e) => e.i}
        rowAttrs={(e) => ({ className: e.state === "failed" || e.state === "dirty" ? "bg-red-50 dark:bg-red-950/30" : "" })}
        maxHeight="60vh"
      />
      {!has("name") && tool.entries.some((e) => e.error) && (
        <ul className="mt-1 text-xs text-red-700 dark:text-red-300">
          {tool.entries
            .filter((e) => e.error)
            .map((e, i) => (
              <li key={i} className="whitespace-pre-wrap font-mono">
                {e.version}: {e.error}
              </li>
            ))}
        </ul>
      )}
    </div>
  );
}
