import { formatTimestamp, type TimeZoneMode } from "@/lib/format";

// What every time-series chart shares: the series colours and the time axis (ticks in the
// header's time zone, the zone named on the axis). Props, not a wrapper component: Recharts
// finds its axes among the chart's direct children.

export const SERIES_COLORS = ["#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#475569"];

/** Props of the x axis over `t` (epoch ms): "HH:MM", or "MM-DD HH:MM" for ranges over a day. */
export function timeAxisProps(mode: TimeZoneMode, long: boolean) {
  return {
    dataKey: "t",
    type: "number" as const,
    scale: "time" as const,
    domain: ["dataMin", "dataMax"] as [string, string],
    tickFormatter: (t: number) => {
      const s = formatTimestamp(t, mode);
      return long ? s.slice(5, 16) : s.slice(11, 16);
    },
    tick: { fontSize: 10 },
    label: { value: `time (${mode === "utc" ? "UTC" : "local"})`, position: "insideBottomRight" as const, offset: -2, fontSize: 10 },
    height: 32,
  };
}
