"use client";
import { useState } from "react";
import { useCan } from "@/components/shell/permissions";
import { Button } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/freshness";
import { defaultSortDir } from "@/lib/activity/filter";
import { ACTIVITY_RENAMED, ActivityPageQuery, activityApiQuery } from "@/lib/activity/params";
import { useActivity, type SignalPlan } from "@/lib/queries/activity";
import { actionsOffReason } from "@/lib/queries/freshness";
import { useUrlState } from "@/lib/queries/url-state";
import type { ActivityResponse, Session } from "@/lib/schemas/activity";
import { BlockingTrees } from "./blocking-trees";
import { BulkRule } from "./bulk-rule";
import { ActivityFilters } from "./filters";
import { SessionDetail } from "./session-detail";
import { SessionTable } from "./session-table";
import { SignalDialog } from "./signal-dialog";
import { SummaryStrip } from "./summary-strip";

const OPTS = { renamed: ACTIVITY_RENAMED };

export function ActivityPage({ server, initial }: { server: string; initial?: ActivityResponse }) {
  // Operators and admins may cancel and terminate; viewers see the same page without the buttons.
  const canCancel = useCan("cancel");
  const canTerminate = useCan("terminate");
  const canSignal = canCancel && canTerminate;
  const { query, set } = useUrlState(ActivityPageQuery, OPTS);
  const q = useActivity(server, activityApiQuery(query), initial);
  const [selected, setSelected] = useState<Map<number, Session>>(new Map());
  const [plan, setPlan] = useState<SignalPlan | null>(null);
  const [detail, setDetail] = useState<Session | null>(null);
  const [skipped, setSkipped] = useState<Session[]>([]);
  const data = q.data;
  // Rows kept on screen after a failed poll may be out of date: no signal is sent from them.
  const actionsOff = actionsOffReason(q);

  const open = (kind: "cancel" | "terminate", sessions: Session[]) => setPlan({ kind, sessions, requestId: crypto.randomUUID() });
  const sortKey = query.sort ?? "duration";
  const dir = query.dir ?? defaultSortDir(sortKey);
  const toggle = (s: Session) =>
    setSelected((prev) => {
      const next = new Map(prev);
      if (next.has(s.pid)) next.delete(s.pid);
      else next.set(s.pid, s);
      return next;
    });
  // The detail follows the session in the polled list (its state changes), or shows it as last seen.
  const live = detail && data?.sessions.find((s) => s.pid === detail.pid && s.backendStartUs === detail.backendStartUs);

  return (
    <div className="flex flex-col gap-3">
      <PageHeader title={`Activity${query.db ? ` · ${query.db}` : ""}`} poll={q} />
      {data && <SummaryStrip s={data.summary} />}
      {data?.limitedVisibility && (
        <p className="rounded bg-amber-50 px-2 py-1 text-sm text-amber-900 dark:bg-amber-950/40 dark:text-amber-200">
          The console&apos;s database role cannot see other users&apos; queries. Grant it: <code className="font-mono">GRANT pg_monitor TO &lt;console role&gt;;</code>
        </p>
      )}
      {data && (
        <BlockingTrees
          trees={data.blockingTrees}
          serverNow={data.serverNow}
          canSignal={canSignal}
          actionsOff={actionsOff}
          onOpen={setDetail}
          onTerminateRoot={(root) => open("terminate", [root])}
        />
      )}
      <ActivityFilters query={query} set={set} />
      {canSignal && (
        <div className="flex flex-wrap items-center gap-3">
          <BulkRule server={server} database={query.db} disabled={actionsOff} onPreview={(kind, sessions, skip) => (setSkipped(skip), open(kind, sessions))} />
          {selected.size > 0 && (
            <div className="flex items-center gap-2 text-xs">
              {selected.size} selected
              <Button size="sm" disabled={!!actionsOff} onClick={() => open("cancel", [...selected.values()])}>
                Cancel selected
              </Button>
              <Button size="sm" variant="danger" disabled={!!actionsOff} onClick={() => open("terminate", [...selected.values()])}>
                Terminate selected
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setSelected(new Map())}>
                clear
              </Button>
            </div>
          )}
        </div>
      )}
      {data && (
        <div className="text-xs text-zinc-500" data-testid="row-count">
          {data.sessions.length} of {data.totalSessions} backends{data.truncated ? " (list capped; narrow the filters)" : ""}
        </div>
      )}
      <SessionTable
        rows={data?.sessions}
        error={q.error}
        serverNow={data?.serverNow ?? 0}
        selected={new Set(selected.keys())}
        onToggle={toggle}
        onOpen={setDetail}
        onSignal={(k, s) => open(k, [s])}
        canSignal={canSignal}
        actionsOff={actionsOff}
        sort={sortKey}
        dir={dir}
        onSort={(sort, d) => set({ sort, dir: d })}
      />
      {plan && plan.sessions.length === 0 && (
        <p role="status" className="text-sm">
          No session matches the rule{skipped.length ? ` (${skipped.length} matching sessions cannot be signalled)` : ""}.
        </p>
      )}
      <SignalDialog server={server} plan={plan && plan.sessions.length ? plan : null} onClose={() => (setPlan(null), setSelected(new Map()), setSkipped([]))} />
      <SessionDetail
        server={server}
        session={live ?? detail}
        inList={!!live}
        serverNow={data?.serverNow ?? 0}
        canSignal={canSignal}
        actionsOff={actionsOff}
        onSignal={(kind, s) => (setDetail(null), open(kind, [s]))}
        onClose={() => setDetail(null)}
      />
    </div>
  );
}
