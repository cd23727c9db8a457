"use client";
import { formatAgo, formatTimestamp } from "@/lib/format";
import { ApiClientError } from "@/lib/queries/fetch-json";
import { useNow } from "@/lib/queries/use-polled";
import { Button } from "./button";

/** "updated 3 s ago" + pause, and when polls fail: why, since when, and that the data is stale. */
export function Freshness({
  updatedAt,
  error,
  paused,
  onTogglePause,
}: {
  updatedAt: number | undefined;
  error: unknown;
  paused: boolean;
  onTogglePause: () => void;
}) {
  const now = useNow();
  const err = error instanceof ApiClientError ? error : error ? new ApiClientError(0, "error", String(error)) : undefined;
  return (
    <div className="flex flex-wrap items-center gap-2 text-xs" data-testid="freshness">
      {err ? (
        <span role="status" className="rounded bg-red-100 px-2 py-0.5 text-red-800 dark:bg-red-900/40 dark:text-red-200" data-testid="stale-banner">
          {err.message}
          {err.unreachableSince ? ` Unreachable since ${new Date(err.unreachableSince).toLocaleTimeString()}.` : ""}
          {updatedAt ? ` Showing data from ${formatAgo(updatedAt, now)} (stale).` : ""}
        </span>
      ) : (
        <span className="text-zinc-500" title={formatTimestamp(updatedAt)}>
          {paused ? "paused · " : ""}updated {formatAgo(updatedAt, now)}
        </span>
      )}
      <Button size="sm" variant="ghost" onClick={onTogglePause} aria-pressed={paused}>
        {paused ? "Resume" : "Pause"}
      </Button>
    </div>
  );
}
