"use client";
// Client data for the PgBouncer page: keys, URLs (ids encoded) and hooks. Components never fetch.
import { useMutation, useQueryClient } from "@tanstack/react-query";
import {
  BouncerActionResponse,
  BouncerConfigResponse,
  BouncerConnectionsResponse,
  bouncerConfirmation,
  PgbouncerResponse,
  PoolHistoryResponse,
  type BouncerAction,
  type PoolHistoryRange,
  type BouncerConnectionsQuery,
} from "@/lib/schemas/pgbouncer";
import { fetchJson, postJson } from "./fetch-json";
import { usePolled } from "./use-polled";

const base = (server: string) => `/api/servers/${encodeURIComponent(server)}/pgbouncer`;

function connectionsUrl(server: string, kind: "clients" | "servers", q: Partial<BouncerConnectionsQuery> = {}) {
  const sp = new URLSearchParams();
  if (q.database) sp.set("database", q.database);
  if (q.limit) sp.set("limit", String(q.limit));
  const qs = sp.toString();
  return `${base(server)}/${kind}${qs ? `?${qs}` : ""}`;
}

export const pgbouncerUrls = {
  overview: (server: string) => base(server),
  clients: (server: string, q?: Partial<BouncerConnectionsQuery>) => connectionsUrl(server, "clients", q),
  servers: (server: string, q?: Partial<BouncerConnectionsQuery>) => connectionsUrl(server, "servers", q),
  config: (server: string) => `${base(server)}/config`,
  action: (server: string, action: BouncerAction) => `${base(server)}/${action}`,
  history: (server: string, range: PoolHistoryRange) => `${base(server)}/history?range=${encodeURIComponent(range)}`,
};

export const pgbouncerKeys = {
  all: (server: string) => ["pgbouncer", server] as const,
  overview: (server: string) => ["pgbouncer", server, "overview"] as const,
  connections: (server: string, kind: "clients" | "servers", q: Partial<BouncerConnectionsQuery> = {}) => ["pgbouncer", server, kind, q] as const,
  config: (server: string) => ["pgbouncer", server, "config"] as const,
  history: (server: string, range: PoolHistoryRange) => ["pgbouncer", server, "history", range] as const,
};

/** Pools, stats, databases, sizing advice and findings, polled. */
export function usePgbouncer(server: string) {
  return usePolled(pgbouncerKeys.overview(server), () => fetchJson(pgbouncerUrls.overview(server), PgbouncerResponse));
}

export function useBouncerConnections(server: string, kind: "clients" | "servers", q: Partial<BouncerConnectionsQuery> = {}) {
  return usePolled(pgbouncerKeys.connections(server, kind, q), () => fetchJson(pgbouncerUrls[kind](server, q), BouncerConnectionsResponse));
}

export function useBouncerConfig(server: string) {
  return usePolled(pgbouncerKeys.config(server), () => fetchJson(pgbouncerUrls.config(server), BouncerConfigResponse), { intervalMs: 30_000 });
}

/** Clients waiting and maxwait per pool from the store; new points arrive once per sample interval. */
export function usePoolHistory(server: string, range: PoolHistoryRange) {
  return usePolled(pgbouncerKeys.history(server, range), () => fetchJson(pgbouncerUrls.history(server, range), PoolHistoryResponse), { intervalMs: 15_000 });
}

export { bouncerConfirmation };

export function postBouncerAction(server: string, action: BouncerAction, database: string, confirm: string) {
  return postJson(pgbouncerUrls.action(server, action), { database, confirm }, BouncerActionResponse);
}

/** PAUSE / RESUME / RECONNECT one database; never retried; the page re-reads whatever the outcome. */
export function useBouncerAction(server: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ action, database, confirm }: { action: BouncerAction; database: string; confirm: string }) => postBouncerAction(server, action, database, confirm),
    retry: false,
    onSettled: () => qc.invalidateQueries({ queryKey: pgbouncerKeys.all(server) }),
  });
}
