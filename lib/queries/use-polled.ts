"use client";
import { useQuery, type QueryKey } from "@tanstack/react-query";
import { useState, useSyncExternalStore } from "react";
import { isUnreachable } from "./freshness";

export const POLL_MS = 2_000;

/**
 * The one way the console reads: a polled query that keeps the last good data on screen when a
 * poll fails (updatedAt says how old it is), can be paused, and stops while the tab is hidden
 * (pgAdmin #3649). Components show it with <Freshness poll={…} />.
 */
export function usePolled<T>(
  key: QueryKey,
  fetcher: () => Promise<T>,
  opts: { intervalMs?: number; initial?: { data: T; at: number }; enabled?: boolean } = {},
) {
  const [paused, setPaused] = useState(false);
  const intervalMs = opts.intervalMs ?? POLL_MS;
  const query = useQuery({
    queryKey: key,
    queryFn: fetcher,
    enabled: opts.enabled ?? true,
    // Data rendered on the server for the first view: rows show at hydration, not after a poll.
    ...(opts.initial ? { initialData: opts.initial.data, initialDataUpdatedAt: opts.initial.at } : {}),
    refetchInterval: paused ? false : intervalMs,
    refetchIntervalInBackground: false,
    placeholderData: (prev) => prev,
    retry: false,
  });
  return {
    data: query.data,
    error: query.error,
    isError: query.isError,
    isLoading: query.isLoading,
    /** when the data on screen was read (undefined before the first answer) */
    updatedAt: query.dataUpdatedAt || undefined,
    intervalMs,
    paused,
    setPaused,
    /** the last poll failed as unreachable: actions on these rows are disabled */
    unreachable: isUnreachable(query.error),
  };
}

export type Polled<T> = ReturnType<typeof usePolled<T>>;

// One clock for every "3 s ago" label on the page, ticking once a second while anything shows one.
let clockNow = 0;
const clockListeners = new Set<() => void>();
let clockTimer: ReturnType<typeof setInterval> | undefined;

function subscribeClock(listener: () => void) {
  clockListeners.add(listener);
  if (!clockTimer) {
    clockNow = Date.now();
    clockTimer = setInterval(() => {
      clockNow = Date.now();
      clockListeners.forEach((l) => l());
    }, 1_000);
  }
  return () => {
    clockListeners.delete(listener);
    if (clockListeners.size === 0 && clockTimer) {
      clearInterval(clockTimer);
      clockTimer = undefined;
    }
  };
}

/**
 * The current time for relative labels, ticking every second. 0 on the server and during
 * hydration, so server-rendered labels match the browser's first render (no hydration error);
 * callers treat 0 as "now unknown yet".
 */
export function useNow(): number {
  return useSyncExternalStore(
    subscribeClock,
    () => clockNow,
    () => 0,
  );
}
