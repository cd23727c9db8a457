"use client";
import { useState } from "react";
import { useCan } from "@/components/shell/permissions";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DataTable, type Column } from "@/components/ui/data-table";
import { TimeAgo } from "@/components/ui/time";
import { formatBytes, formatNumber } from "@/lib/format";
import { dropSlotConfirmation, useDropSlot } from "@/lib/queries/replication";
import type { Slot } from "@/lib/schemas/replication";
import { TypedConfirmDialog } from "./typed-confirm-dialog";

/** Slots with the WAL each retains; admins may drop an inactive one after typing its name. */
export function SlotsTable({ server, slots, error }: { server: string; slots: Slot[] | undefined; error?: unknown }) {
  const isAdmin = useCan("admin");
  const drop = useDropSlot(server);
  const [target, setTarget] = useState<Slot | null>(null);
  const columns: Column<Slot>[] = [
    { id: "name", header: "slot", sortValue: (s) => s.name, firstDir: "asc", cell: (s) => <span className="font-mono">{s.name}</span> },
    { id: "type", header: "type", cell: (s) => `${s.type}${s.plugin ? ` (${s.plugin}, ${s.database})` : ""}${s.temporary ? ", temporary" : ""}` },
    { id: "active", header: "active", cell: (s) => (s.active ? <Badge tone="green">active{s.activePid ? ` pid ${s.activePid}` : ""}</Badge> : <Badge tone="yellow">inactive</Badge>) },
    { id: "retained", header: "WAL retained", align: "right", sortValue: (s) => s.retainedBytes, cell: (s) => formatBytes(s.retainedBytes) },
    { id: "wal_status", header: "wal_status", cell: (s) => s.walStatus ?? "—" },
    { id: "safe", header: "safe_wal_size", align: "right", cell: (s) => (s.safeWalSizeBytes === null ? "unlimited" : formatBytes(s.safeWalSizeBytes)) },
    { id: "restart", header: "restart_lsn", className: "font-mono", cell: (s) => s.restartLsn ?? "—" },
    { id: "xmin", header: "xmin age", align: "right", cell: (s) => formatNumber(Math.max(s.xminAge ?? 0, s.catalogXminAge ?? 0) || null) },
    { id: "inactive", header: "inactive since", cell: (s) => (s.inactiveSince ? <TimeAgo at={s.inactiveSince} /> : s.active ? "" : "— (17+)") },
    {
      id: "drop",
      header: "",
      cell: (s) =>
        isAdmin && !s.active ? (
          <Button size="sm" variant="danger" onClick={() => (drop.reset(), setTarget(s))}>
            Drop…
          </Button>
        ) : null,
    },
  ];
  const r = drop.data;
  return (
    <>
      <DataTable columns={columns} rows={slots} rowKey={(s) => s.name} error={error} empty="No replication slots." testId="slots-table" initialSort={{ key: "retained", dir: "desc" }} />
      <TypedConfirmDialog
        open={target !== null}
        title="Drop slot"
        phrase={target ? dropSlotConfirmation(target.name) : ""}
        busy={drop.isPending}
        onConfirm={(typed) => target && drop.mutate({ slot: target.name, confirm: typed })}
        onClose={() => setTarget(null)}
        testId="drop-slot-dialog"
        result={
          r ? (
            <p data-testid="drop-slot-result">
              <Badge tone={r.outcome === "dropped" ? "green" : "red"}>{r.outcome.replace("_", " ")}</Badge> {r.message} {r.grant && <code>{r.grant}</code>}
            </p>
          ) : drop.isError ? (
            <p className="text-red-700 dark:text-red-300">Outcome unknown ({drop.error.message}); the slots are read again.</p>
          ) : null
        }
      >
        {target && (
          <p>
            Server <b>{server}</b>: <code>SELECT pg_drop_replication_slot(&apos;{target.name}&apos;)</code>. It retains {formatBytes(target.retainedBytes)} of WAL, freed at the next checkpoint. A
            consumer that comes back for it will need a new base backup (physical) or a resync (logical). Refused if the slot became active.
          </p>
        )}
      </TypedConfirmDialog>
    </>
  );
}
