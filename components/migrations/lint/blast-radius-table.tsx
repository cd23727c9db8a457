"use client";
import { Badge } from "@/components/ui/badge";
import { DataTable, type Column } from "@/components/ui/data-table";
import { formatBytes, formatDuration, formatNumber } from "@/lib/format";
import { qualifiedName } from "@/lib/names";
import type { BlastRadiusEntry } from "@/lib/schemas/lint";

const name = (e: BlastRadiusEntry) => qualifiedName(e.resolvedSchema ?? e.table.schema, e.table.name);

const COLUMNS: Column<BlastRadiusEntry>[] = [
  {
    id: "table",
    header: "table",
    className: "font-mono",
    sortValue: name,
    firstDir: "asc",
    cell: (e) => (
      <>
        {name(e)}
        {!e.found && <div className="font-sans text-zinc-500">not found (created by this migration?)</div>}
      </>
    ),
  },
  { id: "lock", header: "lock taken", sortValue: (e) => e.lock, cell: (e) => <Badge tone={e.lock === "ACCESS EXCLUSIVE" ? "red" : "yellow"}>{e.lock}</Badge> },
  { id: "rows", header: "rows (est.)", align: "right", sortValue: (e) => e.estimatedRows, cell: (e) => (e.found ? formatNumber(e.estimatedRows) : "—") },
  {
    id: "size",
    header: "total size",
    align: "right",
    sortValue: (e) => e.totalBytes,
    cell: (e) => (
      <span title={e.sizeExact ? undefined : "estimated from relpages: another session holds or awaits ACCESS EXCLUSIVE"}>
        {e.found ? `${e.sizeExact ? "" : "≈ "}${formatBytes(e.totalBytes)}` : "—"}
      </span>
    ),
  },
  {
    id: "sessions",
    header: "sessions on it now",
    sortValue: (e) => e.sessions.length,
    cell: (e) =>
      e.sessions.length === 0 ? (
        <span className="text-zinc-500">{e.found ? "none" : ""}</span>
      ) : (
        <ul className="space-y-0.5">
          {e.sessions.map((s) => (
            <li key={`${s.pid}-${s.mode}`} title={s.query ?? undefined}>
              <span className="font-mono">{s.pid}</span> {s.user ?? "?"} · {s.state ?? "?"} · {s.mode}
              {!s.granted && <Badge tone="red">waiting</Badge>} · query {formatDuration(s.queryAgeSeconds === null ? null : s.queryAgeSeconds * 1000)}
              {s.xactAgeSeconds !== null && <> · transaction {formatDuration(s.xactAgeSeconds * 1000)}</>}
            </li>
          ))}
        </ul>
      ),
  },
];

/** Per table the migration locks: how big it is and who is using it right now. */
export function BlastRadiusTable({ entries, database }: { entries: BlastRadiusEntry[]; database: string }) {
  return (
    <DataTable
      columns={COLUMNS}
      rows={entries}
      rowKey={(e) => `${e.table.schema ?? ""}.${e.table.name}`}
      empty={`The migration locks no existing table in ${database}.`}
      testId="blast-radius"
    />
  );
}
