"use client";
import type { ReactNode } from "react";

/**
 * The frame every chart sits in: a title, the unit of its axis, a fixed height (no layout jump
 * when data arrives) and an empty state that says so instead of drawing blank axes.
 */
export function ChartFrame({
  title,
  unit,
  empty,
  emptyText = "No data to chart yet.",
  height = "16rem",
  note,
  children,
  testId,
}: {
  title: ReactNode;
  unit?: string;
  empty: boolean;
  emptyText?: ReactNode;
  height?: string;
  note?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <figure className="flex flex-col gap-1" data-testid={testId}>
      <figcaption className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-semibold">{title}</span>
        {unit && <span className="text-xs text-zinc-500">in {unit}</span>}
      </figcaption>
      <div className="w-full" style={{ height }}>
        {empty ? <div className="flex h-full items-center justify-center rounded border border-dashed border-zinc-300 text-sm text-zinc-500 dark:border-zinc-700">{emptyText}</div> : children}
      </div>
      {note && <p className="text-xs text-zinc-500">{note}</p>}
    </figure>
  );
}
