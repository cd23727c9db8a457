"use client";
import { useUrlNotices } from "@/lib/queries/url-state";
import { Button } from "./button";

/** What was wrong with the address and what the page did instead (never silently ignored). */
export function UrlNotice() {
  const { notices, dismiss } = useUrlNotices();
  if (!notices.length) return null;
  return (
    <div role="status" className="flex items-start justify-between gap-2 rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-100" data-testid="url-notice">
      <ul>
        {notices.map((n) => (
          <li key={`${n.key}=${n.value}`}>{n.message}</li>
        ))}
      </ul>
      <Button size="sm" variant="ghost" onClick={dismiss}>
        Dismiss
      </Button>
    </div>
  );
}
