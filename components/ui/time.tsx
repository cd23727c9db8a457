"use client";
import { useCallback, useSyncExternalStore } from "react";
import { formatAgo, formatTimestamp, parseTime, type TimeZoneMode } from "@/lib/format";
import { useNow } from "@/lib/queries/use-polled";

// One timestamp format everywhere (lib/format.ts), in UTC or the viewer's zone: the choice is the
// viewer's, remembered in localStorage and shared by every component on the page at once.

const STORAGE_KEY = "pgwarden.timeZone";
const listeners = new Set<() => void>();

function readMode(): TimeZoneMode {
  try {
    return localStorage.getItem(STORAGE_KEY) === "local" ? "local" : "utc";
  } catch {
    return "utc"; // storage disabled: UTC, like the server logs
  }
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  // Another tab switched: follow it.
  const onStorage = (e: StorageEvent) => e.key === STORAGE_KEY && listener();
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

/** UTC on the server and during hydration (the server cannot know the choice); the choice after. */
export function useTimeZoneMode(): [TimeZoneMode, (mode: TimeZoneMode) => void] {
  const mode = useSyncExternalStore(subscribe, readMode, () => "utc" as const);
  const set = useCallback((next: TimeZoneMode) => {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // not remembered, but still switched for this page below
    }
    listeners.forEach((l) => l());
  }, []);
  return [mode, set];
}

/** A formatter for titles and strings: `fmt(epochMs)`. */
export function useFormatTime(): (at: number | null | undefined) => string {
  const [mode] = useTimeZoneMode();
  return useCallback((at) => formatTimestamp(at, mode), [mode]);
}

type At = number | string | null | undefined;
const toMs = (at: At) => (typeof at === "string" ? parseTime(at) : (at ?? null));

/** An absolute timestamp in the console's format. */
export function Timestamp({ at, className }: { at: At; className?: string }) {
  const fmt = useFormatTime();
  const ms = toMs(at);
  if (ms === null) return <span className="text-zinc-400">—</span>;
  return (
    <time dateTime={new Date(ms).toISOString()} className={`whitespace-nowrap tabular-nums ${className ?? ""}`}>
      {fmt(ms)}
    </time>
  );
}

/** "12 s ago", with the absolute timestamp on hover; "never" when there is no time. */
export function TimeAgo({ at, never = "never", now: givenNow }: { at: At; never?: string; now?: number }) {
  const fmt = useFormatTime();
  const clock = useNow();
  const now = givenNow ?? clock;
  const ms = toMs(at);
  if (ms === null) return <span className="text-zinc-400">{never}</span>;
  return (
    <time dateTime={new Date(ms).toISOString()} title={fmt(ms)}>
      {now ? formatAgo(ms, now) : ""}
    </time>
  );
}

/** The UTC ↔ local switch in the header. */
export function TimeZoneSwitch() {
  const [mode, setMode] = useTimeZoneMode();
  return (
    <div role="group" aria-label="Time zone" className="flex overflow-hidden rounded border border-zinc-300 text-xs dark:border-zinc-700">
      {(["utc", "local"] as const).map((m) => (
        <button
          key={m}
          type="button"
          aria-pressed={mode === m}
          onClick={() => setMode(m)}
          title={m === "utc" ? "show times in UTC" : "show times in this browser's time zone"}
          className={`px-1.5 py-0.5 ${mode === m ? "bg-zinc-200 font-medium dark:bg-zinc-700" : "hover:bg-zinc-100 dark:hover:bg-zinc-800"}`}
        >
          {m === "utc" ? "UTC" : "local"}
        </button>
      ))}
    </div>
  );
}
