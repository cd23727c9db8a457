"use client";
import { useQuery, type QueryKey } from "@tanstack/react-query";
import { useEffect, useState } from "react";

export const POLL_MS = 2_000;

/**
 * A polled read that keeps the last good data on screen when a poll fails (dataUpdatedAt says how
 * old it is), can be paused, and stops while the tab is hidden (pgAdmin #3649).
 */
export function usePolled<T>(
  key: QueryKey,
  fetcher: () => Promise<T>,
  opts: { intervalMs?: number; initial?: { data: T; at: number } } = {},
) {
  const [paused, setPaused] = useState(false);
  const query = useQuery({
    queryKey: key,
    queryFn: fetcher,
    // Data rendered on the server for the first view: rows show at hydration, not after a poll.
    ...(opts.initial ? { initialData: opts.initial.data, initialDataUpdatedAt: opts.initial.at } : {}),
    refetchInterval: paused ? false : (opts.intervalMs ?? POLL_MS),
    refetchIntervalInBackground: false,
    placeholderData: (prev) => prev,
    retry: false,
  });
  return { ...query, paused, setPaused };
}

/** A clock that ticks every second, for "updated 3 s ago" labels. */
export function useNow(intervalMs = 1_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
}
