// Display formatting shared by every page: bytes, durations, numbers, percentages, times.

const UNITS = ["B", "kB", "MB", "GB", "TB", "PB"];

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const s = i === 0 ? String(v) : v >= 100 ? v.toFixed(0) : v.toFixed(1);
  return `${n < 0 ? "-" : ""}${s} ${UNITS[i]}`;
}

/** 850 ms, 12.3 s, 4m 05s, 3h 12m, 2d 4h */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, "0")}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function formatNumber(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function formatPercent(ratio: number | null | undefined, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "—";
  return `${(ratio * 100).toFixed(digits)} %`;
}

/** "12 s ago", "3 min ago" relative to `now` (ms). */
export function formatAgo(at: number | null | undefined, now: number): string {
  if (at === null || at === undefined) return "never";
  const d = Math.max(0, now - at);
  if (d < 1500) return "just now";
  if (d < 60_000) return `${Math.round(d / 1000)} s ago`;
  if (d < 3_600_000) return `${Math.round(d / 60_000)} min ago`;
  if (d < 172_800_000) return `${Math.round(d / 3_600_000)} h ago`;
  return `${Math.round(d / 86_400_000)} d ago`;
}

/** Where a timestamp is shown: in UTC (as most server logs are) or in the viewer's own zone. */
export type TimeZoneMode = "utc" | "local";

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** The offset of `timeZone` (IANA name; undefined = this machine's zone) at `at`, in minutes east of UTC. */
function offsetMinutes(at: number, timeZone: string | undefined): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(at));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour") % 24, get("minute"), get("second"));
  return Math.round((wall - Math.floor(at / 1000) * 1000) / 60_000);
}

/**
 * The one absolute timestamp format of the console: "2026-01-31 23:59:07 UTC", or in the
 * viewer's zone "2026-02-01 00:59:07 UTC+01:00" — ISO-like (sorts and compares with server
 * logs), always with the zone, never locale-dependent. `timeZone` is for tests.
 */
export function formatTimestamp(at: number | null | undefined, mode: TimeZoneMode = "utc", timeZone?: string): string {
  if (at === null || at === undefined || !Number.isFinite(at)) return "—";
  const offset = mode === "utc" ? 0 : offsetMinutes(at, timeZone);
  const d = new Date(Math.floor(at / 1000) * 1000 + offset * 60_000);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  if (mode === "utc") return `${date} ${time} UTC`;
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${date} ${time} UTC${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** ISO strings from the API (timestamptz as text) as epoch ms; null stays null. */
export function parseTime(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : null;
}
