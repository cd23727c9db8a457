"use client";
import { useState } from "react";
import { useCan } from "@/components/shell/permissions";
import { Button } from "@/components/ui/button";
import { usePolled } from "@/lib/queries/use-polled";
import { JOB_PERMISSION } from "@/lib/schemas/jobs";
import { fetchServerInfo, LABEL_OF, serverInfoKey } from "./api";
import { JobDialog, type JobPlan } from "./job-dialog";

function ActionButton({ command, disabled, title, onClick }: { command: JobPlan["command"]; disabled: boolean; title?: string; onClick: () => void }) {
  const allowed = useCan(JOB_PERMISSION[command]);
  if (!allowed) return null; // the route refuses it anyway; hidden rather than a button that fails
  return (
    <Button size="sm" variant={command === "vacuum_full" ? "danger" : "default"} disabled={disabled} title={title} onClick={onClick}>
      {LABEL_OF[command]}
    </Button>
  );
}

/**
 * Whether jobs may run on this server (not through a pooler without a directUrl), from the same
 * query as the Server page. Unknown yet: enabled; the route refuses with the same reason anyway.
 */
export function useJobsGate(server: string) {
  const q = usePolled(serverInfoKey(server), () => fetchServerInfo(server), { intervalMs: 30_000 });
  return q.data?.pooler.jobs ?? { ok: true, via: null, reason: null, fix: null };
}

/** The action bar over a selection of tables or indexes, and the confirm dialog it opens. */
export function JobActions({
  server,
  db,
  commands,
  selected,
  onClear,
}: {
  server: string;
  db: string | undefined;
  commands: JobPlan["command"][];
  selected: { oid: number; name: string }[];
  onClear: () => void;
}) {
  const [plan, setPlan] = useState<JobPlan | null>(null);
  const gate = useJobsGate(server);
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="job-actions">
        <span className="text-zinc-500">{selected.length ? `${selected.length} selected:` : "Select rows to run maintenance:"}</span>
        {commands.map((c) => (
          <ActionButton
            key={c}
            command={c}
            disabled={selected.length === 0 || !gate.ok}
            title={gate.ok ? undefined : (gate.reason ?? undefined)}
            onClick={() => setPlan({ command: c, relations: selected })}
          />
        ))}
        {selected.length > 0 && (
          <Button size="sm" variant="ghost" onClick={onClear}>
            Clear selection
          </Button>
        )}
        <JobDialog server={server} db={db} plan={plan} onClose={() => setPlan(null)} />
      </div>
      {!gate.ok && (
        <p className="text-xs text-amber-800 dark:text-amber-300" data-testid="jobs-disabled">
          Maintenance is disabled here: {gate.reason} {gate.fix ? <span className="font-medium">Fix: {gate.fix}</span> : null}
        </p>
      )}
    </div>
  );
}
