"use client";
import { useState } from "react";
import { useCan } from "@/components/shell/permissions";
import { Button } from "@/components/ui/button";
import { LABEL_OF, type QueuedCommand } from "@/lib/queries/jobs";
import { useJobsGate } from "@/lib/queries/server-info";
import { JOB_PERMISSION } from "@/lib/schemas/jobs";
import { JobDialog, type JobPlan } from "./job-dialog";

function ActionButton({ command, disabled, title, onClick }: { command: QueuedCommand; disabled: boolean; title?: string; onClick: () => void }) {
  const allowed = useCan(JOB_PERMISSION[command]);
  if (!allowed) return null; // the route refuses it anyway; hidden rather than a button that fails
  return (
    <Button size="sm" variant={command === "vacuum_full" ? "danger" : "default"} disabled={disabled} title={title} onClick={onClick}>
      {LABEL_OF[command]}
    </Button>
  );
}

/**
 * The action bar over a selection of tables or indexes, and the confirm dialog it opens. Off while
 * the server does not answer, and while jobs may not run here at all (a pooler without a
 * directUrl: the reason and the fix are shown).
 */
export function JobActions({
  server,
  db,
  commands,
  selected,
  onClear,
  disabled,
}: {
  server: string;
  db: string | undefined;
  commands: QueuedCommand[];
  selected: JobPlan["relations"];
  onClear: () => void;
  /** why the buttons are off (the server did not answer the page's last poll) */
  disabled?: string;
}) {
  const [plan, setPlan] = useState<JobPlan | null>(null);
  const gate = useJobsGate(server);
  const off = disabled ?? (gate.ok ? undefined : (gate.reason ?? "maintenance jobs cannot run here"));
  return (
    <div className="flex flex-col gap-1">
      <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="job-actions">
        <span className="text-zinc-500">{selected.length ? `${selected.length} selected:` : "Select rows to run maintenance:"}</span>
        {disabled && <span className="text-xs text-red-700 dark:text-red-300">{disabled}</span>}
        {commands.map((c) => (
          <ActionButton key={c} command={c} disabled={selected.length === 0 || !!off} title={off} onClick={() => setPlan({ command: c, relations: selected })} />
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
