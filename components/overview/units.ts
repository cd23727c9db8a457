import { formatBytes, formatDuration, formatNumber } from "@/lib/format";
import type { MetricUnit } from "@/lib/schemas/metrics";

// Axis ticks and tooltips by the chart's unit: the API says what a number is, the client formats it.

export function formatByUnit(unit: MetricUnit, v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "—";
  switch (unit) {
    case "ratio":
      return `${(v * 100).toFixed(v >= 0.999 ? 2 : 1)} %`;
    case "bytes":
      return formatBytes(v);
    case "bytes/s":
      return `${formatBytes(v)}/s`;
    case "seconds":
      return formatDuration(v * 1000);
    case "transactions":
      return v >= 1e6 ? `${formatNumber(v / 1e6, 1)} M` : formatNumber(v);
    default:
      return formatNumber(v, v !== 0 && Math.abs(v) < 10 ? 1 : 0);
  }
}

/** The axis title: what one unit of the y axis is. */
export function axisLabel(unit: MetricUnit): string {
  return unit === "ratio" ? "%" : unit;
}
