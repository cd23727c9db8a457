"use client";
import type { ReactNode } from "react";
import { formatAgo } from "@/lib/format";
import { asApiError, staleness } from "@/lib/queries/freshness";
import { useNow, type Polled } from "@/lib/queries/use-polled";
import { Button } from "./button";
import { useFormatTime } from "./time";

type Poll = Pick<Polled<unknown>, "updatedAt" | "error" | "paused" | "setPaused" | "intervalMs" | "data">;

/**
 * A page's title with its freshness: "updated 3 s ago" and pause; one failed poll says so quietly;
 * after two missed polls a banner says "stale since T — reason" over the data kept on screen.
 */
export function PageHeader({ title, poll, right }: { title: ReactNode; poll?: Poll; right?: ReactNode }) {
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-lg font-semibold">{title}</h1>
        <div className="flex flex-wrap items-center gap-3">
          {right}
          {poll && <Freshness poll={poll} />}
        </div>
      </div>
      {poll && <StaleBanner poll={poll} />}
    </div>
  );
}

export function Freshness({ poll }: { poll: Poll }) {
  const now = useNow();
  const fmt = useFormatTime();
  const err = asApiError(poll.error);
  const stale = now ? staleness({ ...poll, now }) : null;
  return (
    <div className="flex flex-wrap items-center gap-2 text-xs" data-testid="freshness">
      {poll.updatedAt === undefined && err ? (
        <span role="alert" className="rounded bg-red-100 px-2 py-0.5 text-red-800 dark:bg-red-900/40 dark:text-red-200" data-testid="load-error">
          Could not load: {err.message}
        </span>
      ) : stale ? (
        <span className="font-medium text-red-700 dark:text-red-300">stale</span>
      ) : (
        <span className="text-zinc-500" title={poll.updatedAt ? `read at ${fmt(poll.updatedAt)}` : undefined}>
          {poll.paused ? "paused · " : ""}
          {poll.updatedAt ? `updated ${now ? formatAgo(poll.updatedAt, now) : "just now"}` : "loading…"}
          {err && <span className="ml-1 text-amber-700 dark:text-amber-300">· last poll failed ({err.message}), retrying</span>}
        </span>
      )}
      <Button size="sm" variant="ghost" onClick={() => poll.setPaused(!poll.paused)} aria-pressed={poll.paused}>
        {poll.paused ? "Resume" : "Pause"}
      </Button>
    </div>
  );
}

/** The banner itself, full width under the title. */
export function StaleBanner({ poll }: { poll: Poll }) {
  const now = useNow();
  const fmt = useFormatTime();
  const stale = now ? staleness({ ...poll, now }) : null;
  if (!stale) return null;
  const err = asApiError(poll.error);
  return (
    <div role="alert" className="rounded border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950/50 dark:text-red-100" data-testid="stale-banner">
      <b>Stale since {fmt(stale.since)}</b> — {stale.reason}
      {err?.unreachableSince ? ` Unreachable since ${fmt(err.unreachableSince)}.` : ""} The figures below are from {fmt(stale.since)}; actions on
      them are {err?.code === "unreachable" || err?.code === "console_unreachable" ? "disabled until the server answers" : "checked again before anything is sent"}.
    </div>
  );
}
