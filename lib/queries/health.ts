"use client";
// Client data for the health page: key, URL (ids encoded) and hook. Components never fetch.
import { HealthResponse } from "@/lib/schemas/health";
import { serverUrl } from "./api";
import { fetchJson } from "./fetch-json";
import { usePolled } from "./use-polled";

export const healthKeys = {
  report: (server: string, db: string | undefined) => ["health", server, db ?? null] as const,
};

export function healthUrl(server: string, db: string | undefined) {
  const base = serverUrl(server, ["health"]);
  return db ? `${base}?db=${encodeURIComponent(db)}` : base;
}

/** The checks read a lot of catalog: every 30 s is plenty (the server coalesces viewers too). */
export function useHealth(server: string, db: string | undefined) {
  return usePolled(healthKeys.report(server, db), () => fetchJson(healthUrl(server, db), HealthResponse), { intervalMs: 30_000 });
}
