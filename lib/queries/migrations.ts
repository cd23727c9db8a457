"use client";
import { MigrationHistoryResponse } from "@/lib/schemas/migrations";
import { serverUrl } from "./api";
import { fetchJson } from "./fetch-json";
import { usePolled } from "./use-polled";

// Client side of the migration history route.

export const migrationKeys = {
  all: (server: string) => ["migrations", server] as const,
  history: (server: string, db: string | undefined) => ["migrations", server, "history", db ?? null] as const,
};

export const migrationsUrl = (server: string, db: string | undefined) => serverUrl(server, ["migrations"], { db });

/** History tables change only on deploys: a slow poll is plenty and keeps catalog work low. */
export const useMigrationHistory = (server: string, db: string | undefined) =>
  usePolled(migrationKeys.history(server, db), () => fetchJson(migrationsUrl(server, db), MigrationHistoryResponse), { intervalMs: 15_000 });
