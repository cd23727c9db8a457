"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ActivityResponse, type ActivityQuery, type Session } from "@/lib/schemas/activity";
import { SessionLocksResponse } from "@/lib/schemas/locks";
import { SignalResponse, type SignalKind } from "@/lib/schemas/signals";
import { serverUrl } from "./api";
import { fetchJson, postJson } from "./fetch-json";
import { usePolled } from "./use-polled";

// Client side of the activity routes: keys, URLs and hooks. Components call only the hooks.

export const activityKeys = {
  all: (server: string) => ["activity", server] as const,
  list: (server: string, q: ActivityQuery) => ["activity", server, "list", q] as const,
  locks: (server: string, pid: number, backendStartUs: number | null) => ["activity", server, "locks", pid, backendStartUs] as const,
};

export const activityUrl = (server: string, q: ActivityQuery) => serverUrl(server, ["activity"], q);
export const sessionLocksUrl = (server: string, pid: number, backendStartUs: number) =>
  serverUrl(server, ["activity", pid, "locks"], { backendStartUs });
export const signalUrl = (server: string, kind: SignalKind) => serverUrl(server, ["activity", kind]);

export function useActivity(server: string, q: ActivityQuery, initial?: ActivityResponse) {
  return usePolled(activityKeys.list(server, q), () => fetchJson(activityUrl(server, q), ActivityResponse), {
    initial: initial && { data: initial, at: initial.readAt },
  });
}

/** The locks of the session shown in the detail, re-read while it is open. */
export function useSessionLocks(server: string, session: Pick<Session, "pid" | "backendStartUs"> | null) {
  const pid = session?.pid ?? 0;
  const start = session?.backendStartUs ?? null;
  return usePolled(activityKeys.locks(server, pid, start), () => fetchJson(sessionLocksUrl(server, pid, start!), SessionLocksResponse), {
    enabled: session !== null && start !== null,
  });
}

/** One evaluation of a filter (the bulk rule's preview), outside the page's own polled list. */
export function useActivityPreview(server: string) {
  return useMutation({ mutationFn: (q: ActivityQuery) => fetchJson(activityUrl(server, q), ActivityResponse) });
}

export interface SignalPlan {
  kind: SignalKind;
  sessions: Session[];
  /** made when the dialog opens: a double click or a resent request is not a second signal */
  requestId: string;
}

/** Cancel / terminate: never retried; whatever happened, the list is read again. */
export function useSignal(server: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (p: SignalPlan) => {
      const sessions = p.sessions.map((s) => ({ pid: s.pid, backendStartUs: s.backendStartUs! }));
      const body = p.kind === "terminate" ? { sessions, requestId: p.requestId, confirm: "terminate" } : { sessions, requestId: p.requestId };
      return postJson(signalUrl(server, p.kind), body, SignalResponse);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: activityKeys.all(server) }),
  });
}
