"use client";
import { actionsOffReason } from "@/lib/queries/freshness";
import type { QueuedCommand } from "@/lib/queries/jobs";
import { JobActions } from "./job-actions";
import { JobsStrip } from "./jobs-strip";
import type { useSelection } from "./selection";

/**
 * Above a storage table: the job buttons for the selected rows (off while the page's own poll says
 * the server does not answer) and this database's queue.
 */
export function MaintenanceBar({
  server,
  db,
  commands,
  sel,
  poll,
}: {
  server: string;
  db: string | undefined;
  commands: QueuedCommand[];
  sel: ReturnType<typeof useSelection>;
  poll: { unreachable: boolean };
}) {
  return (
    <>
      <JobActions server={server} db={db} commands={commands} selected={sel.selected} onClear={sel.clear} disabled={actionsOffReason(poll)} />
      <JobsStrip server={server} db={db} />
    </>
  );
}
