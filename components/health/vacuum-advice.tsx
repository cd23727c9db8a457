"use client";
import { useState } from "react";
import { SignalDialog } from "@/components/activity/signal-dialog";
import { useCan } from "@/components/shell/permissions";
import { Button } from "@/components/ui/button";
import { useActivityPreview, type SignalPlan } from "@/lib/queries/activity";
import type { VacuumAdvice } from "@/lib/schemas/health";

/**
 * Why a VACUUM left dead rows, and the way out: terminate the session holding the horizon through
 * the activity page's guarded dialog. The session is looked up again first (pid AND backend start),
 * so a pid reused since the job ended is never the one signalled.
 */
export function VacuumAdviceNote({ server, advice }: { server: string; advice: VacuumAdvice }) {
  const canTerminate = useCan("terminate");
  const lookup = useActivityPreview(server);
  const [plan, setPlan] = useState<SignalPlan | null>(null);
  const [gone, setGone] = useState(false);
  const h = advice.holder;
  const open = async () => {
    if (!h) return;
    setGone(false);
    const r = await lookup.mutateAsync({ user: h.user ?? undefined, application: h.application || undefined }).catch(() => null);
    const s = r?.sessions.find((x) => x.pid === h.pid && x.backendStartUs === h.backendStartUs);
    if (s) setPlan({ kind: "terminate", sessions: [s], requestId: crypto.randomUUID() });
    else setGone(true);
  };
  return (
    <div className="mt-1 rounded border border-amber-300 bg-amber-50 p-1.5 text-xs dark:border-amber-800 dark:bg-amber-950/40" data-testid="vacuum-advice">
      <p>{advice.message}</p>
      {advice.others.length > 0 && <p className="text-zinc-600 dark:text-zinc-400">Also holding it: {advice.others.join("; ")}</p>}
      {h && canTerminate && (
        <Button size="sm" variant="danger" onClick={open} disabled={lookup.isPending}>
          Terminate pid {h.pid}…
        </Button>
      )}
      {gone && <p className="text-zinc-600 dark:text-zinc-400">pid {h?.pid} is gone or has changed since the job ended: nothing to terminate.</p>}
      <SignalDialog server={server} plan={plan} onClose={() => setPlan(null)} />
    </div>
  );
}
