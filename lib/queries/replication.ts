"use client";
// Client data for the replication page: keys, URLs (ids encoded) and hooks. Components never fetch.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ArchivingResponse, DropSlotResponse, ReplicationResponse } from "@/lib/schemas/replication";
import { fetchJson, postJson } from "./fetch-json";
import { usePolled } from "./use-polled";

const base = (server: string) => `/api/servers/${encodeURIComponent(server)}/replication`;

export const replicationUrls = {
  status: (server: string) => base(server),
  archiving: (server: string) => `${base(server)}/archiving`,
  dropSlot: (server: string) => `${base(server)}/slots/drop`,
};

export const replicationKeys = {
  all: (server: string) => ["replication", server] as const,
  status: (server: string) => ["replication", server, "status"] as const,
  archiving: (server: string) => ["replication", server, "archiving"] as const,
};

export const fetchReplication = (server: string) => fetchJson(replicationUrls.status(server), ReplicationResponse);
export const fetchArchiving = (server: string) => fetchJson(replicationUrls.archiving(server), ArchivingResponse);

/** Standbys, slots, WAL receiver and findings, polled. */
export function useReplication(server: string) {
  return usePolled(replicationKeys.status(server), () => fetchReplication(server));
}

/** Archiver, WAL per hour and base backups; polled less often (these move slowly). */
export function useArchiving(server: string) {
  return usePolled(replicationKeys.archiving(server), () => fetchArchiving(server), { intervalMs: 5_000 });
}

/** The confirmation phrase the person types (the server checks it too). */
export const dropSlotConfirmation = (slot: string) => `drop ${slot}`;

export function postDropSlot(server: string, slot: string, confirm: string) {
  return postJson(replicationUrls.dropSlot(server), { slot, confirm }, DropSlotResponse);
}

/** Drop a slot; never retried; the page re-reads the slots whatever the outcome. */
export function useDropSlot(server: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ slot, confirm }: { slot: string; confirm: string }) => postDropSlot(server, slot, confirm),
    retry: false,
    onSettled: () => qc.invalidateQueries({ queryKey: replicationKeys.all(server) }),
  });
}
