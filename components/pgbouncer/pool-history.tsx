"use client";
import { useState } from "react";
import { Area, AreaChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Button } from "@/components/ui/button";
import { ChartFrame } from "@/components/ui/chart-frame";
import { Section } from "@/components/ui/section";
import { SERIES_COLORS as COLORS, timeAxisProps } from "@/components/ui/chart-time";
import { useTimeZoneMode } from "@/components/ui/time";
import { formatDuration, formatNumber, formatTimestamp } from "@/lib/format";
import { usePoolHistory } from "@/lib/queries/pgbouncer";
import { POOL_HISTORY_RANGES, type PoolHistoryRange, type PoolHistoryResponse, type PoolHistorySeries } from "@/lib/schemas/pgbouncer";

const RANGE_LABEL: Record<PoolHistoryRange, string> = { "1h": "1 h", "6h": "6 h", "24h": "24 h" };

type Field = "waiting" | "maxwaitMs";

/** Series keys by position: database and user names are data, not safe object keys for Recharts paths. */
const poolKey = (i: number) => `p${i}`;

/** One chart of one field per pool: clients waiting (stacked areas) or maxwait (lines). */
function PoolChart({ h, field, long }: { h: PoolHistoryResponse; field: Field; long: boolean }) {
  const [mode] = useTimeZoneMode();
  const data = h.t.map((t, i) => Object.fromEntries([["t", t], ...h.pools.map((p, j) => [poolKey(j), p[field][i] ?? null])]));
  const points = h.pools.reduce((n, p) => n + p[field].filter((v) => v !== null).length, 0);
  // maxwait is stored in ms and drawn in seconds, the unit its axis names.
  const fmt = (v: unknown) => (field === "waiting" ? formatNumber(Number(v)) : formatDuration(Number(v) * 1000));
  const xAxis = <XAxis {...timeAxisProps(mode, long)} />;
  const unit = field === "waiting" ? "clients" : "seconds";
  const yAxis = <YAxis tickFormatter={fmt} tick={{ fontSize: 10 }} width={64} domain={[0, "auto"]} allowDecimals={field !== "waiting"} label={{ value: unit, angle: -90, position: "insideLeft", fontSize: 10 }} />;
  const common = (
    <>
      <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
      {xAxis}
      {yAxis}
      <Tooltip labelFormatter={(t) => formatTimestamp(Number(t), mode)} formatter={(v) => fmt(v)} />
      <Legend wrapperStyle={{ fontSize: 11 }} />
    </>
  );
  const name = (p: PoolHistorySeries) => `${p.database}/${p.user}`;
  const scaled = field === "maxwaitMs" ? data.map((d) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, k === "t" || v === null ? v : Number(v) / 1000]))) : data;
  return (
    <ChartFrame
      title={field === "waiting" ? "Clients waiting for a server connection (cl_waiting, peak per point)" : "Longest wait (maxwait, peak per point)"}
      unit={unit}
      empty={points === 0}
      emptyText="No pool samples in this range yet (the sampler stores SHOW POOLS once per interval)."
      testId={`pool-chart-${field === "waiting" ? "waiting" : "maxwait"}`}
    >
      <div className="h-full" data-points={points}>
        <ResponsiveContainer width="100%" height="100%">
          {field === "waiting" ? (
            <AreaChart data={scaled} margin={{ left: 8, right: 8, top: 4, bottom: 4 }}>
              {common}
              {h.pools.map((p, i) => (
                <Area key={poolKey(i)} dataKey={poolKey(i)} name={name(p)} stackId="pools" stroke={COLORS[i % COLORS.length]} fill={COLORS[i % COLORS.length]} fillOpacity={0.5} isAnimationActive={false} connectNulls={false} />
              ))}
            </AreaChart>
          ) : (
            <LineChart data={scaled} margin={{ left: 8, right: 8, top: 4, bottom: 4 }}>
              {common}
              {h.pools.map((p, i) => (
                <Line key={poolKey(i)} dataKey={poolKey(i)} name={name(p)} stroke={COLORS[i % COLORS.length]} dot={false} isAnimationActive={false} connectNulls={false} />
              ))}
            </LineChart>
          )}
        </ResponsiveContainer>
      </div>
    </ChartFrame>
  );
}

/** The sampler's pool history: when clients queued, in which pool, and for how long. */
export function PoolHistory({ server }: { server: string }) {
  const [range, setRange] = useState<PoolHistoryRange>("1h");
  const q = usePoolHistory(server, range);
  const h = q.data;
  return (
    <Section
      title="Pool history"
      testId="pool-history"
      right={
        <div role="group" aria-label="Range" className="flex gap-1">
          {POOL_HISTORY_RANGES.map((r) => (
            <Button key={r} size="sm" variant={range === r ? "primary" : "default"} aria-pressed={range === r} onClick={() => setRange(r)}>
              {RANGE_LABEL[r]}
            </Button>
          ))}
        </div>
      }
    >
      {!h ? (
        <p className="text-sm text-zinc-500">{q.error ? `Could not load the history (${(q.error as Error).message}).` : "Loading…"}</p>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          <PoolChart h={h} field="waiting" long={range === "24h"} />
          <PoolChart h={h} field="maxwaitMs" long={range === "24h"} />
        </div>
      )}
      {h && (
        <p className="text-xs text-zinc-500">
          {h.omittedPools > 0 && `${h.omittedPools} quieter pool(s) not drawn. `}
          One point per {formatDuration(h.stepS * 1000)}; kept {h.retentionDays} days.
        </p>
      )}
    </Section>
  );
}
