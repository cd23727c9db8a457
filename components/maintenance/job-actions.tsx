"use client";
import { useState } from "react";
import { useCan } from "@/components/shell/permissions";
import { Button } from "@/components/ui/button";
import type { Permission } from "@/lib/auth/permissions";
import { LABEL_OF } from "@/lib/queries/jobs";
import type { JobCommand } from "@/lib/schemas/jobs";
import { JobDialog, type JobPlan } from "./job-dialog";

const PERMISSION_OF: Record<JobCommand, Permission> = {
  vacuum: "vacuum",
  vacuum_analyze: "vacuum",
  analyze: "analyze",
  reindex_index: "reindex",
  reindex_table: "reindex",
  vacuum_full: "vacuum_full",
};

function ActionButton({ command, disabled, title, onClick }: { command: JobCommand; disabled: boolean; title?: string; onClick: () => void }) {
  const allowed = useCan(PERMISSION_OF[command]);
  if (!allowed) return null; // the route refuses it anyway; hidden rather than a button that fails
  return (
    <Button size="sm" variant={command === "vacuum_full" ? "danger" : "default"} disabled={disabled} title={title} onClick={onClick}>
      {LABEL_OF[command]}
    </Button>
  );
}

/** The action bar over a selection of tables or indexes, and the confirm dialog it opens. */
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
  commands: JobCommand[];
  selected: { oid: number; name: string }[];
  onClear: () => void;
  /** why the buttons are off (the server did not answer the page's last poll) */
  disabled?: string;
}) {
  const [plan, setPlan] = useState<JobPlan | null>(null);
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="job-actions">
      <span className="text-zinc-500">{selected.length ? `${selected.length} selected:` : "Select rows to run maintenance:"}</span>
      {disabled && <span className="text-xs text-red-700 dark:text-red-300">{disabled}</span>}
      {commands.map((c) => (
        <ActionButton key={c} command={c} disabled={selected.length === 0 || !!disabled} title={disabled} onClick={() => setPlan({ command: c, relations: selected })} />
      ))}
      {selected.length > 0 && (
        <Button size="sm" variant="ghost" onClick={onClear}>
          Clear selection
        </Button>
      )}
      <JobDialog server={server} db={db} plan={plan} onClose={() => setPlan(null)} />
    </div>
  );
}
