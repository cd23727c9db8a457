"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { formatTimestamp } from "@/lib/format";
import { postSignal } from "@/lib/queries/activity";
import type { Session } from "@/lib/schemas/activity";
import type { SignalOutcomeKind, SignalResponse } from "@/lib/schemas/signals";

const OUTCOME_TONE: Record<SignalOutcomeKind, Tone> = {
  cancelled: "green",
  terminated: "green",
  already_gone: "neutral",
  changed: "yellow",
  not_permitted: "red",
  unknown: "yellow",
};

export interface SignalPlan {
  kind: "cancel" | "terminate";
  sessions: Session[];
  /** made when the dialog opens: a double click or a resent request is not a second signal */
  requestId: string;
}

export function SignalDialog({ server, plan, onClose }: { server: string; plan: SignalPlan | null; onClose: () => void }) {
  const [typed, setTyped] = useState("");
  const qc = useQueryClient();
  const mutation = useMutation({
    mutationFn: (p: SignalPlan) =>
      postSignal(server, p.kind, p.sessions.map((s) => ({ pid: s.pid, backendStartUs: s.backendStartUs! })), p.requestId),
    // Whatever happened, re-read the state; never retry an action.
    onSettled: () => qc.invalidateQueries({ queryKey: ["activity", server] }),
  });
  const close = () => {
    setTyped("");
    mutation.reset();
    onClose();
  };
  if (!plan) return null;
  const verb = plan.kind === "cancel" ? "Cancel query" : "Terminate session";
  const ready = plan.kind === "cancel" || typed === "terminate";
  const result: SignalResponse | undefined = mutation.data;
  return (
    <Dialog open onClose={close} title={`${verb}${plan.sessions.length > 1 ? ` — ${plan.sessions.length} sessions` : ""} on ${server}`}>
      <p className="mb-2 text-sm">
        {plan.kind === "cancel"
          ? "Cancels the running statement of each session below; the sessions stay connected."
          : "Disconnects each session below; its open transaction is rolled back."}{" "}
        Each is checked by pid and backend start first; a session that changed since you looked is left alone.
      </p>
      <table className="mb-3 w-full text-left text-xs" data-testid="signal-preview">
        <thead className="text-zinc-500">
          <tr>
            <th className="pr-2">pid</th><th className="pr-2">database</th><th className="pr-2">user</th><th className="pr-2">backend start</th><th className="pr-2">query</th><th>outcome</th>
          </tr>
        </thead>
        <tbody>
          {plan.sessions.map((s) => {
            const o = result?.outcomes.find((x) => x.pid === s.pid);
            return (
              <tr key={s.pid} className="border-t border-zinc-100 align-top dark:border-zinc-800" data-pid={s.pid}>
                <td className="pr-2 font-mono">{s.pid}</td>
                <td className="pr-2">{s.database}</td>
                <td className="pr-2">{s.user}</td>
                <td className="pr-2 whitespace-nowrap">{formatTimestamp(s.backendStartUs === null ? null : s.backendStartUs / 1000)}</td>
                <td className="max-w-md truncate pr-2 font-mono" title={s.query ?? ""}>{s.query}</td>
                <td data-testid="signal-outcome">
                  {o && <Badge tone={OUTCOME_TONE[o.outcome]} title={o.message}>{o.outcome.replace("_", " ")}</Badge>}
                  {o && o.outcome !== "cancelled" && o.outcome !== "terminated" && <div className="text-zinc-500">{o.message}</div>}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {mutation.isError && (
        <p role="alert" className="mb-2 text-sm text-red-700 dark:text-red-300">
          Outcome unknown: {(mutation.error as Error).message} The list has been re-read; check it before trying again.
        </p>
      )}
      {!result && plan.kind === "terminate" && (
        <label className="mb-3 block text-sm">
          Type <b>terminate</b> to confirm:{" "}
          <input aria-label="type terminate to confirm" autoFocus value={typed} onChange={(e) => setTyped(e.target.value)} className="ml-1 rounded border border-zinc-300 bg-transparent px-1 dark:border-zinc-700" />
        </label>
      )}
      <div className="flex justify-end gap-2">
        <Button onClick={close}>{result ? "Close" : "Back"}</Button>
        {!result && (
          <Button variant={plan.kind === "terminate" ? "danger" : "primary"} disabled={!ready || mutation.isPending} onClick={() => mutation.mutate(plan)}>
            {mutation.isPending ? "Sending…" : verb}
          </Button>
        )}
      </div>
    </Dialog>
  );
}
