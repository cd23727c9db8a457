"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Freshness } from "@/components/ui/freshness";
import { formatBytes, formatNumber } from "@/lib/format";
import { LockMarker } from "./lock-marker";
import { usePolled } from "@/lib/queries/use-polled";
import { SpaceQuery, SpaceResponse } from "@/lib/schemas/storage";
import { Section, tableClass } from "./controls";
import { fetchStorage, useUrlQuery } from "./queries";

const KEYS = ["db", "top"] as const;

function SizeParts({ heap, index, toast }: { heap: number; index: number; toast: number }) {
  return (
    <>
      <td className="text-right">{formatBytes(heap)}</td>
      <td className="text-right">{formatBytes(index)}</td>
      <td className="text-right">{formatBytes(toast)}</td>
    </>
  );
}

export function SpacePage({ server }: { server: string }) {
  const { query } = useUrlQuery(SpaceQuery, KEYS);
  const q = usePolled(["storage-space", server, query], () => fetchStorage(server, "space", query, SpaceResponse), { intervalMs: 30_000 });
  const data = q.data;
  const chart = data?.databases.map((d) => ({ name: d.name, bytes: d.sizeBytes ?? 0 })) ?? [];
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-lg font-semibold">Space</h1>
        <Freshness updatedAt={q.dataUpdatedAt || undefined} error={q.error} paused={q.paused} onTogglePause={() => q.setPaused(!q.paused)} />
      </div>
      <Section title="Databases on this server">
        <div className="h-64 w-full" data-testid="database-size-chart">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={chart} margin={{ left: 24, right: 8, top: 8, bottom: 8 }}>
              <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
              <XAxis dataKey="name" tick={{ fontSize: 11 }} />
              <YAxis tickFormatter={(v: number) => formatBytes(v)} tick={{ fontSize: 11 }} width={70} />
              <Tooltip formatter={(v) => formatBytes(Number(v))} />
              <Bar dataKey="bytes" name="size" fill="#3b82f6" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </Section>
      <Section title={`Largest tables${query.db ? ` in ${query.db}` : ""}`}>
        {data && <p className="text-xs text-zinc-500">Sizes computed {new Date(data.sizesAt).toLocaleTimeString()} (refreshed at most once a minute).</p>}
        <table className={tableClass}>
          <thead className="text-zinc-600 dark:text-zinc-400">
            <tr className="[&_th]:px-2 [&_th]:py-1 [&_th]:font-medium">
              <th className="text-left">table</th>
              <th className="text-right">total</th>
              <th className="text-right">heap</th>
              <th className="text-right">indexes</th>
              <th className="text-right">TOAST</th>
            </tr>
          </thead>
          <tbody>
            {data?.topTables.map((t) => (
              <tr key={t.oid}>
                <td className="font-mono">
                  {t.schema}.{t.name}
                </td>
                <td className="text-right font-medium">
                  {formatBytes(t.totalBytes)}
                  <LockMarker lock={t.lock} />
                </td>
                <SizeParts heap={t.heapBytes} index={t.indexBytes} toast={t.toastBytes} />
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title="Per schema">
        <table className={tableClass}>
          <thead className="text-zinc-600 dark:text-zinc-400">
            <tr className="[&_th]:px-2 [&_th]:py-1 [&_th]:font-medium">
              <th className="text-left">schema</th>
              <th className="text-right">tables</th>
              <th className="text-right">total</th>
              <th className="text-right">heap</th>
              <th className="text-right">indexes</th>
              <th className="text-right">TOAST</th>
            </tr>
          </thead>
          <tbody>
            {data?.schemas.map((s) => (
              <tr key={s.schema}>
                <td className="font-mono">{s.schema}</td>
                <td className="text-right">{formatNumber(s.tables)}</td>
                <td className="text-right font-medium">{formatBytes(s.totalBytes)}</td>
                <SizeParts heap={s.heapBytes} index={s.indexBytes} toast={s.toastBytes} />
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </div>
  );
}
