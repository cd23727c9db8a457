"use client";
import Link from "next/link";
import { DatabasePicker } from "@/components/shell/database-picker";
import { DataTable, type Column } from "@/components/ui/data-table";
import { PageHeader } from "@/components/ui/freshness";
import { Timestamp } from "@/components/ui/time";
import { formatBytes, formatDuration, formatNumber, formatPercent } from "@/lib/format";
import { queryPageHref, useTopStatements } from "@/lib/queries/statements";
import { useUrlState } from "@/lib/queries/url-state";
import { STATEMENT_SORTS, STATEMENT_WINDOWS, StatementsQuery, type StatementRow, type StatementSort } from "@/lib/schemas/statements";
import { MissingExtension } from "./missing-extension";
import { WindowPicker } from "./window-picker";

const SORT_LABEL: Record<StatementSort, string> = {
  total: "total time",
  mean: "mean time",
  calls: "calls",
  rows: "rows",
  read: "shared blocks read",
  temp: "temp blocks",
  wal: "WAL bytes",
};

const BLOCK = 8192; // the default block size; blocks are also shown as counts in the tooltip

function columns(server: string): Column<StatementRow>[] {
  const num = (id: StatementSort, header: string, cell: (r: StatementRow) => string, title: string): Column<StatementRow> => ({
    id, header, align: "right", sortKey: id, firstDir: "desc", cell, title,
  });
  return [
    {
      id: "query",
      header: "statement",
      cell: (r) => (
        <div className="min-w-0">
          <Link href={queryPageHref(server, r.queryid, { db: r.datname, user: r.username })} className="block truncate font-mono text-xs text-blue-700 hover:underline dark:text-blue-300" title={r.query?.slice(0, 500) ?? undefined} data-testid="statement-link">
            {r.query ?? `queryid ${r.queryid} (text not captured)`}
          </Link>
          <span className="text-xs text-zinc-500">
            {r.datname} · {r.username}
            {!r.toplevel && " · nested (inside a function)"}
          </span>
        </div>
      ),
    },
    num("total", "total", (r) => formatDuration(r.totalMs), "execution time summed over the window"),
    { id: "share", header: "% of time", align: "right", width: "6rem", cell: (r) => formatPercent(r.share), title: "share of the window's top-level execution time" },
    num("calls", "calls", (r) => formatNumber(r.calls), "times executed in the window"),
    num("mean", "mean", (r) => formatDuration(r.meanMs), "execution time per call"),
    num("rows", "rows", (r) => formatNumber(r.rows), "rows returned or affected"),
    num("read", "read", (r) => formatBytes(r.sharedBlksRead * BLOCK), "shared blocks read from disk or the OS cache (× 8 kB)"),
    num("temp", "temp", (r) => formatBytes(r.tempBlks * BLOCK), "temporary blocks read and written (sorts and hashes spilling to disk)"),
    num("wal", "WAL", (r) => (r.walBytes === null ? "–" : formatBytes(r.walBytes)), "WAL generated"),
  ];
}

export function QueriesPage({ server }: { server: string }) {
  const { query, set } = useUrlState(StatementsQuery);
  const q = useTopStatements(server, query);
  const d = q.data;
  return (
    <div className="flex flex-col gap-3">
      <PageHeader title="Queries" poll={q} />
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <WindowPicker value={query} windows={STATEMENT_WINDOWS} onChange={set} />
        <DatabasePicker server={server} value={query.db ?? null} noneLabel="all databases" />
        <label className="flex items-center gap-1">
          <span className="text-zinc-500">user</span>
          <select aria-label="User" value={query.user ?? ""} onChange={(e) => set({ user: e.target.value || undefined })} className="rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700">
            <option value="">(all users)</option>
            {[...new Set([...(d?.users ?? []), ...(query.user ? [query.user] : [])])].map((u) => (
              <option key={u} value={u}>{u}</option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1">
          <span className="text-zinc-500">sort by</span>
          <select aria-label="Sort by" value={query.sort} onChange={(e) => set({ sort: e.target.value })} className="rounded border border-zinc-300 bg-transparent px-1 py-0.5 dark:border-zinc-700">
            {STATEMENT_SORTS.map((s) => (
              <option key={s} value={s}>{SORT_LABEL[s]}</option>
            ))}
          </select>
        </label>
      </div>
      {d?.missing && <MissingExtension missing={d.missing} />}
      {d && <Coverage d={d} />}
      <DataTable
        label="Top statements"
        testId="statements-table"
        columns={columns(server)}
        rows={d?.statements}
        rowKey={(r) => `${r.queryid}/${r.datname}/${r.username}/${r.toplevel}`}
        sort={{ key: query.sort, dir: "desc", onSort: (key) => set({ sort: key }) }}
        error={q.error}
        layout="fixed"
        minWidth="64rem"
        empty={d?.missing ? "No statement statistics (see above)." : "No statement ran in this window."}
      />
    </div>
  );
}

function Coverage({ d }: { d: NonNullable<ReturnType<typeof useTopStatements>["data"]> }) {
  return (
    <div className="flex flex-col gap-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid="statements-coverage">
      <p>
        {formatNumber(d.total)} statements ran from <Timestamp at={d.from} /> to <Timestamp at={d.to} /> ({formatNumber(d.snapshots)} snapshots, one per{" "}
        {d.intervalS} s), {formatDuration(d.totalMs)} of execution in all.
        {d.historyStartsAt !== null && d.historyStartsAt > d.from && (
          <> History starts at <Timestamp at={d.historyStartsAt} />: the window before it is not covered.</>
        )}
      </p>
      {d.evicted !== null && d.evicted > 0 && (
        <p className="text-amber-700 dark:text-amber-400" data-testid="statements-evicted">
          {formatNumber(d.evicted)} statements were evicted from pg_stat_statements in this window (pg_stat_statements.max = {formatNumber(d.maxEntries)}): rarely run
          statements are missing or undercounted. Raise pg_stat_statements.max (restart needed).
        </p>
      )}
      {d.resets > 0 && (
        <p data-testid="statements-resets">
          Someone reset pg_stat_statements (or the server restarted) {d.resets === 1 ? "once" : `${d.resets} times`} in this window; the figures here still only count what ran in it.
        </p>
      )}
      {d.hidden !== null && d.hidden > 0 && (
        <p className="text-amber-700 dark:text-amber-400">
          {formatNumber(d.hidden)} statements of other roles are hidden from the console&apos;s role. {d.hiddenFix && <code className="font-mono">{d.hiddenFix}</code>}
        </p>
      )}
    </div>
  );
}
