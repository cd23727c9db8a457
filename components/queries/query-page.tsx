"use client";
import Link from "next/link";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { useCan } from "@/components/shell/permissions";
import { ChartFrame } from "@/components/ui/chart-frame";
import { PageHeader } from "@/components/ui/freshness";
import { Section } from "@/components/ui/section";
import { SqlText } from "@/components/ui/sql-text";
import { Timestamp, useFormatTime } from "@/components/ui/time";
import { formatDuration, formatNumber } from "@/lib/format";
import { useStatement } from "@/lib/queries/statements";
import { useUrlState } from "@/lib/queries/url-state";
import { STATEMENT_WINDOWS, StatementHistoryQuery, type HistoryPoint } from "@/lib/schemas/statements";
import { ExplainPanel } from "./explain-panel";
import { WindowPicker } from "./window-picker";

const CHARTS: { key: keyof HistoryPoint; title: string; unit: string; format: (v: number) => string }[] = [
  { key: "calls", title: "Calls per interval", unit: "calls", format: (v) => formatNumber(v) },
  { key: "meanMs", title: "Mean time per call", unit: "milliseconds", format: (v) => formatDuration(v) },
  { key: "totalMs", title: "Total time per interval", unit: "milliseconds", format: (v) => formatDuration(v) },
  { key: "rows", title: "Rows per interval", unit: "rows", format: (v) => formatNumber(v) },
];

function tablesHref(server: string, db: string | undefined, t: { schema: string | null; name: string }) {
  const sp = new URLSearchParams({ q: t.name });
  if (db) sp.set("db", db);
  if (t.schema) sp.set("schema", t.schema);
  return `/servers/${encodeURIComponent(server)}/tables?${sp.toString()}`;
}

export function QueryPage({ server, queryid }: { server: string; queryid: string }) {
  const { query, set } = useUrlState(StatementHistoryQuery);
  const q = useStatement(server, queryid, query);
  const d = q.data;
  const fmt = useFormatTime();
  const canExplain = useCan("explain");
  const db = query.db ?? d?.databases[0];
  return (
    <div className="flex flex-col gap-3">
      <PageHeader title={<>Query <span className="font-mono text-sm">{queryid}</span></>} poll={q} />
      <p className="text-sm">
        <Link href={`/servers/${encodeURIComponent(server)}/queries`} className="text-blue-700 hover:underline dark:text-blue-300">← all queries</Link>
      </p>
      <Section title="Statement (normalized)">
        <SqlText sql={d ? d.query ?? "(text not captured)" : "…"} lines={3} />
        {d && (
          <p className="mt-1 text-xs text-zinc-500">
            databases: {d.databases.join(", ") || "–"} · users: {d.users.join(", ") || "–"}
          </p>
        )}
      </Section>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <WindowPicker value={{ window: query.window }} windows={STATEMENT_WINDOWS} onChange={(c) => set({ window: c.window })} />
        {d && (
          <span className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="statement-totals">
            {formatNumber(d.totals.calls)} calls · {formatDuration(d.totals.totalMs)} total · mean {formatDuration(d.totals.meanMs)} · {formatNumber(d.totals.rows)} rows
          </span>
        )}
      </div>
      {d?.slowerSince && (
        <p className="rounded border border-amber-300 bg-amber-50 p-2 text-sm dark:border-amber-800 dark:bg-amber-950/40" data-testid="slower-since">
          Slower since <Timestamp at={d.slowerSince.at} />: mean {formatDuration(d.slowerSince.afterMs)} per call, was {formatDuration(d.slowerSince.beforeMs)}.
        </p>
      )}
      <div className="grid gap-4 md:grid-cols-2" data-testid="statement-charts">
        {CHARTS.map((c) => {
          const data = (d?.points ?? []).map((p) => ({ at: p.at, v: p[c.key] }));
          return (
            <ChartFrame key={c.key} title={c.title} unit={c.unit} empty={data.length === 0} emptyText={d ? "It did not run in this window." : "Loading…"} height="12rem" testId={`chart-${c.key}`}>
              <ResponsiveContainer width="100%" height="100%">
                <LineChart data={data} margin={{ left: 16, right: 8, top: 8, bottom: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
                  <XAxis dataKey="at" type="number" scale="time" domain={[d?.from ?? "dataMin", d?.to ?? "dataMax"]} tickFormatter={(v) => fmt(v).slice(11, 16)} tick={{ fontSize: 11 }} />
                  <YAxis tickFormatter={(v) => c.format(v)} tick={{ fontSize: 11 }} width={64} />
                  <Tooltip labelFormatter={(v) => fmt(v as number)} formatter={(v) => c.format(Number(v))} />
                  <Line dataKey="v" name={c.title} dot={data.length < 60} isAnimationActive={false} stroke="#2563eb" connectNulls />
                </LineChart>
              </ResponsiveContainer>
            </ChartFrame>
          );
        })}
      </div>
      {d && (
        <Section title="Tables it reads">
          {d.tables.length === 0 ? (
            <p className="text-sm text-zinc-500">None found in its text (or the text could not be parsed).</p>
          ) : (
            <ul className="flex flex-wrap gap-2 text-sm" data-testid="statement-tables">
              {d.tables.map((t) => (
                <li key={`${t.schema}.${t.name}`}>
                  <Link href={tablesHref(server, db, t)} className="font-mono text-blue-700 hover:underline dark:text-blue-300">
                    {t.schema ? `${t.schema}.${t.name}` : t.name}
                  </Link>
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}
      {d && canExplain && d.query && <ExplainPanel server={server} queryid={queryid} params={d.params} databases={d.databases} db={db} />}
      {d && !canExplain && <p className="text-xs text-zinc-500">EXPLAIN is available to admins (it is audited).</p>}
    </div>
  );
}
