"use client";
import { useState } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable, type Column } from "@/components/ui/data-table";
import { Dialog } from "@/components/ui/dialog";
import { Timestamp } from "@/components/ui/time";
import { useSignal, type SignalPlan } from "@/lib/queries/activity";
import type { Session } from "@/lib/schemas/activity";
import type { SignalOutcomeKind } from "@/lib/schemas/signals";
import { oneLine } from "./session-table";

export type { SignalPlan };

const OUTCOME_TONE: Record<SignalOutcomeKind, Tone> = {
  cancelled: "green",
  terminated: "green",
  already_gone: "neutral",
  changed: "yellow",
  not_permitted: "red",
  unknown: "yellow",
};

export function SignalDialog({ server, plan, onClose }: { server: string; plan: SignalPlan | null; onClose: () => void }) {
  const [typed, setTyped] = useState("");
  const mutation = useSignal(server);
  const close = () => {
    setTyped("");
    mutation.reset();
    onClose();
  };
  if (!plan) return null;
  const verb = plan.kind === "cancel" ? "Cancel query" : "Terminate session";
  const ready = plan.kind === "cancel" || typed === "terminate";
  const result = mutation.data;
  const columns: Column<Session>[] = [
    { id: "pid", header: "pid", className: "font-mono", cell: (s) => s.pid },
    { id: "database", header: "database", cell: (s) => s.database },
    { id: "user", header: "user", cell: (s) => s.user },
    { id: "start", header: "backend start", cell: (s) => <Timestamp at={s.backendStartUs === null ? null : s.backendStartUs / 1000} /> },
    { id: "query", header: "query", className: "max-w-md font-mono", cell: (s) => <span className="line-clamp-2 break-all" title={s.query ?? ""}>{s.query ? oneLine(s.query) : ""}</span> },
    {
      id: "outcome",
      header: "outcome",
      cell: (s) => {
        const o = result?.outcomes.find((x) => x.pid === s.pid);
        return (
          <span data-testid="signal-outcome">
            {o && (
              <Badge tone={OUTCOME_TONE[o.outcome]} title={o.message}>
                {o.outcome.replace("_", " ")}
              </Badge>
            )}
            {o && o.outcome !== "cancelled" && o.outcome !== "terminated" && <span className="block text-zinc-500">{o.message}</span>}
          </span>
        );
      },
    },
  ];
  return (
    <Dialog open onClose={close} title={`${verb}${plan.sessions.length > 1 ? ` — ${plan.sessions.length} sessions` : ""} on ${server}`}>
      <p className="mb-2 text-sm">
        {plan.kind === "cancel"
          ? "Cancels the running statement of each session below; the sessions stay connected."
          : "Disconnects each session below; its open transaction is rolled back."}{" "}
        Each is checked by pid and backend start first; a session that changed since you looked is left alone.
      </p>
      <div className="mb-3">
        <DataTable columns={columns} rows={plan.sessions} rowKey={(s) => s.pid} rowAttrs={(s) => ({ "data-pid": s.pid })} testId="signal-preview" maxHeight="40vh" />
      </div>
      {mutation.isError && (
        <p role="alert" className="mb-2 text-sm text-red-700 dark:text-red-300">
          Outcome unknown: {mutation.error.message} The list has been re-read; check it before trying again.
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
