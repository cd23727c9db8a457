"use client";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { defaultSortDir } from "@/lib/activity/filter";
import { useCan } from "@/components/shell/permissions";
import { Freshness } from "@/components/ui/freshness";
import { activityFiltersFrom, activityKey, fetchActivity } from "@/lib/queries/activity";
import { usePolled } from "@/lib/queries/use-polled";
import type { ActivityResponse, Session } from "@/lib/schemas/activity";
import { BlockingTrees } from "./blocking-trees";
import { BulkRule } from "./bulk-rule";
import { ActivityFilters } from "./filters";
import { SessionDetail } from "./session-detail";
import { SessionTable } from "./session-table";
import { SignalDialog, type SignalPlan } from "./signal-dialog";
import { SummaryStrip } from "./summary-strip";

export function ActivityPage({ server, initial }: { server: string; initial?: ActivityResponse }) {
  // Operators and admins may cancel and terminate; viewers see the same page without the buttons.
  const canCancel = useCan("cancel");
  const canTerminate = useCan("terminate");
  const canSignal = canCancel && canTerminate;
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const filters = activityFiltersFrom(params);
  const q = usePolled(activityKey(server, filters), () => fetchActivity(server, filters), {
    initial: initial && { data: initial, at: initial.readAt },
  });
  const [selected, setSelected] = useState<Map<number, Session>>(new Map());
  const [plan, setPlan] = useState<SignalPlan | null>(null);
  const [detail, setDetail] = useState<Session | null>(null);
  const [skipped, setSkipped] = useState<Session[]>([]);
  const data = q.data;

  const open = (kind: "cancel" | "terminate", sessions: Session[]) => setPlan({ kind, sessions, requestId: crypto.randomUUID() });
  const sortKey = filters.sort ?? "duration";
  const dir = filters.dir ?? defaultSortDir(sortKey);
  const onSort = (key: typeof sortKey) => {
    const next = new URLSearchParams(params);
    next.set("sort", key);
    next.set("dir", key !== sortKey ? defaultSortDir(key) : dir === "desc" ? "asc" : "desc");
    router.replace(`${pathname}?${next.toString()}`, { scroll: false });
  };
  const toggle = (s: Session) =>
    setSelected((prev) => {
      const next = new Map(prev);
      if (next.has(s.pid)) next.delete(s.pid);
      else next.set(s.pid, s);
      return next;
    });

  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-lg font-semibold">Activity</h1>
        <Freshness updatedAt={q.dataUpdatedAt || undefined} error={q.error} paused={q.paused} onTogglePause={() => q.setPaused(!q.paused)} />
      </div>
      {data && <SummaryStrip s={data.summary} />}
      {data?.limitedVisibility && (
        <p className="rounded bg-amber-50 px-2 py-1 text-sm text-amber-900 dark:bg-amber-950/40 dark:text-amber-200">
          The console&apos;s database role cannot see other users&apos; queries. Grant it: <code className="font-mono">GRANT pg_monitor TO &lt;console role&gt;;</code>
        </p>
      )}
      {data && (
        <BlockingTrees trees={data.blockingTrees} sessions={data.sessions} serverNow={data.serverNow} canSignal={canSignal} onTerminateRoot={(root) => open("terminate", [root])} />
      )}
      <ActivityFilters />
      {canSignal && (
        <div className="flex flex-wrap items-center gap-3">
          <BulkRule server={server} onPreview={(kind, sessions, skip) => (setSkipped(skip), open(kind, sessions))} />
          {selected.size > 0 && (
            <div className="flex items-center gap-2 text-xs">
              {selected.size} selected
              <Button size="sm" onClick={() => open("cancel", [...selected.values()])}>Cancel selected</Button>
              <Button size="sm" variant="danger" onClick={() => open("terminate", [...selected.values()])}>Terminate selected</Button>
              <Button size="sm" variant="ghost" onClick={() => setSelected(new Map())}>clear</Button>
            </div>
          )}
        </div>
      )}
      {data ? (
        <>
          <div className="text-xs text-zinc-500" data-testid="row-count">
            {data.sessions.length} of {data.totalSessions} backends{data.truncated ? " (list capped; narrow the filters)" : ""}
          </div>
          <SessionTable rows={data.sessions} serverNow={data.serverNow} selected={new Set(selected.keys())} onToggle={toggle} onOpen={setDetail} onSignal={(k, s) => open(k, [s])} canSignal={canSignal} sort={sortKey} dir={dir} onSort={onSort} />
        </>
      ) : q.isError ? null : (
        <div className="text-sm text-zinc-500">Loading…</div>
      )}
      {plan && plan.sessions.length === 0 && (
        <p role="status" className="text-sm">No session matches the rule{skipped.length ? ` (${skipped.length} matching sessions cannot be signalled)` : ""}.</p>
      )}
      <SignalDialog server={server} plan={plan && plan.sessions.length ? plan : null} onClose={() => (setPlan(null), setSelected(new Map()), setSkipped([]))} />
      <SessionDetail session={detail} onClose={() => setDetail(null)} />
    </div>
  );
}
