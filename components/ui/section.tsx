import type { ReactNode } from "react";

/** A titled panel of a page, with room on the right for its controls. */
export function Section({ title, children, right, testId }: { title: ReactNode; children: ReactNode; right?: ReactNode; testId?: string }) {
  return (
    <section className="flex min-w-0 flex-col gap-2 rounded border border-zinc-200 p-3 dark:border-zinc-800" data-testid={testId}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold">{title}</h2>
        {right}
      </div>
      {children}
    </section>
  );
}
