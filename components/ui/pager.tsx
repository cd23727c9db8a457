"use client";
import { formatNumber } from "@/lib/format";
import { Button } from "./button";

/** "51–100 of 1,234" with previous / next; the offset lives in the caller's URL state. */
export function Pager({ total, limit, offset, onPage }: { total: number; limit: number; offset: number; onPage: (offset: number) => void }) {
  const from = total === 0 ? 0 : Math.min(offset + 1, total);
  const to = Math.min(total, offset + limit);
  return (
    <div className="flex items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400" data-testid="pager">
      <span className="tabular-nums">
        {formatNumber(from)}–{formatNumber(to)} of {formatNumber(total)}
      </span>
      <Button size="sm" disabled={offset === 0} onClick={() => onPage(Math.max(0, offset - limit))}>
        ← Prev
      </Button>
      <Button size="sm" disabled={offset + limit >= total} onClick={() => onPage(offset + limit)}>
        Next →
      </Button>
    </div>
  );
}
