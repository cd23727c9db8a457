"use client";
import { ServerInfoResponse } from "@/lib/schemas/server-info";
import { DatabasesResponse } from "@/lib/schemas/servers";
import { serverUrl } from "./api";
import { fetchJson } from "./fetch-json";
import { usePolled } from "./use-polled";

// Client side of what the console knows about a server: its facts and its databases.

export const serverKeys = {
  info: (server: string) => ["server", server, "info"] as const,
  databases: (server: string) => ["server", server, "databases"] as const,
};

export const serverInfoUrl = (server: string) => serverUrl(server, ["server-info"]);
export const databasesUrl = (server: string) => serverUrl(server, ["databases"]);

/** Privileges change rarely; no need to ask every 2 s. */
export const useServerInfo = (server: string) =>
  usePolled(serverKeys.info(server), () => fetchJson(serverInfoUrl(server), ServerInfoResponse), { intervalMs: 30_000 });

export const useDatabases = (server: string) =>
  usePolled(serverKeys.databases(server), () => fetchJson(databasesUrl(server), DatabasesResponse), { intervalMs: 60_000 });

/** Whether maintenance jobs may run on this server (never through a pooler without a directUrl), and why not. */
export function useJobsGate(server: string) {
  const q = useServerInfo(server);
  return q.data?.pooler.jobs ?? { ok: true, via: null, reason: null, fix: null };
}
