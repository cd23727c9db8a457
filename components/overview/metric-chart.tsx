"use client";
import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { ChartFrame } from "@/components/ui/chart-frame";
import { SERIES_COLORS as COLORS, timeAxisProps } from "@/components/ui/chart-time";
import { useTimeZoneMode } from "@/components/ui/time";
import { formatBytes, formatTimestamp } from "@/lib/format";
import type { MetricChart as Chart } from "@/lib/schemas/metrics";
import { axisLabel, formatByUnit } from "./units";

/** One chart of the series API: stacked areas with line series over them, units on both axes. */
export function MetricChart({ chart, long }: { chart: Chart; long: boolean }) {
  const [mode] = useTimeZoneMode();
  const data = chart.t.map((t, i) => Object.fromEntries([["t", t], ...chart.series.map((s) => [s.key, s.values[i] ?? null])]));
  const points = chart.series.reduce((n, s) => n + s.values.filter((v) => v !== null).length, 0);
  const fmt = (v: unknown) => formatByUnit(chart.unit, typeof v === "number" ? v : Number(v));
  return (
    <ChartFrame
      title={chart.title}
      unit={chart.unit === "ratio" ? "percent" : chart.unit}
      empty={points === 0}
      emptyText="No samples in this range yet."
      testId={`chart-${chart.id}`}
      note={
        <>
          {chart.note}
          {chart.growth && chart.growth.length > 0 && (
            <span className="mt-1 flex flex-wrap gap-x-4" data-testid="size-growth">
              {chart.growth.map((g) => (
                <span key={g.database}>
                  {g.database}: {formatBytes(g.sizeBytes)}, {g.bytesPerDay === null ? "growth unknown yet" : `${g.bytesPerDay >= 0 ? "+" : ""}${formatBytes(g.bytesPerDay)}/day`}
                </span>
              ))}
            </span>
          )}
        </>
      }
    >
      <div className="h-full" data-points={points}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ left: 8, right: 8, top: 4, bottom: 4 }}>
            <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
            <XAxis {...timeAxisProps(mode, long)} />
            <YAxis
              tickFormatter={fmt}
              tick={{ fontSize: 10 }}
              width={72}
              domain={chart.unit === "ratio" ? ["auto", 1] : [0, "auto"]}
              label={{ value: axisLabel(chart.unit), angle: -90, position: "insideLeft", fontSize: 10 }}
            />
            <Tooltip labelFormatter={(t) => formatTimestamp(Number(t), mode)} formatter={(v) => fmt(v)} />
            <Legend wrapperStyle={{ fontSize: 11 }} />
            {chart.series.map((s, i) =>
              s.style === "line" ? (
                <Line key={s.key} dataKey={s.key} name={s.label} stroke={COLORS[i % COLORS.length]} dot={false} strokeDasharray={chart.stacked ? "5 3" : undefined} isAnimationActive={false} connectNulls={false} />
              ) : (
                <Area
                  key={s.key}
                  dataKey={s.key}
                  name={s.label}
                  stackId={chart.stacked ? "stack" : undefined}
                  stroke={COLORS[i % COLORS.length]}
                  fill={COLORS[i % COLORS.length]}
                  fillOpacity={chart.stacked ? 0.5 : 0.15}
                  isAnimationActive={false}
                  connectNulls={false}
                />
              ),
            )}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </ChartFrame>
  );
}
