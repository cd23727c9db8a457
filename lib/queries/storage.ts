"use client";
import {
  BloatResponse,
  IndexesResponse,
  SpaceResponse,
  TablesResponse,
  type IndexesQuery,
  type SpaceQuery,
  type TablesQuery,
} from "@/lib/schemas/storage";
import { serverUrl } from "./api";
import { fetchJson } from "./fetch-json";
import { usePolled } from "./use-polled";

// Client side of the storage routes (tables, indexes, bloat, space). Keys start with the
// server and database, so a finished job refreshes everything of its database at once.

export const storageKeys = {
  all: (server: string) => ["storage", server] as const,
  database: (server: string, db: string | undefined) => ["storage", server, db ?? null] as const,
  tables: (server: string, q: TablesQuery) => [...storageKeys.database(server, q.db), "tables", q] as const,
  indexes: (server: string, q: IndexesQuery) => [...storageKeys.database(server, q.db), "indexes", q] as const,
  space: (server: string, q: SpaceQuery) => [...storageKeys.database(server, q.db), "space", q] as const,
  bloat: (server: string, db: string | undefined, kind: "table" | "index", offset: number) =>
    [...storageKeys.database(server, db), "bloat", kind, offset] as const,
};

export const tablesUrl = (server: string, q: TablesQuery) => serverUrl(server, ["tables"], q);
export const indexesUrl = (server: string, q: IndexesQuery) => serverUrl(server, ["indexes"], q);
export const spaceUrl = (server: string, q: SpaceQuery) => serverUrl(server, ["space"], q);
export const bloatUrl = (server: string, q: { db?: string; kind: "table" | "index"; offset: number; limit: number }) => serverUrl(server, ["bloat"], q);

/**
 * `initial`: the first view rendered with the page (app/(console)/servers/[server]/tables/page.tsx).
 * One measured alone while the database's sizes are computed (sizesPending) counts as stale, so
 * the full answer is asked for at once, the provisional rows staying on screen meanwhile.
 */
export const useTables = (server: string, q: TablesQuery, initial?: TablesResponse) =>
  usePolled(storageKeys.tables(server, q), () => fetchJson(tablesUrl(server, q), TablesResponse), {
    intervalMs: 10_000,
    initial: initial && { data: initial, at: initial.sizesPending ? 0 : initial.readAt },
  });

export const useIndexes = (server: string, q: IndexesQuery, initial?: IndexesResponse) =>
  usePolled(storageKeys.indexes(server, q), () => fetchJson(indexesUrl(server, q), IndexesResponse), {
    intervalMs: 10_000,
    // A first view without its findings (or sizes pending) is asked again at once after hydration.
    initial: initial && { data: initial, at: initial.sizesPending || !initial.findings ? 0 : initial.readAt },
  });

export const useSpace = (server: string, q: SpaceQuery) =>
  usePolled(storageKeys.space(server, q), () => fetchJson(spaceUrl(server, q), SpaceResponse), { intervalMs: 30_000 });

export const BLOAT_PAGE = 20;

/** Bloat estimates are recomputed at most once a minute on the server: polling faster buys nothing. */
export const useBloat = (server: string, db: string | undefined, kind: "table" | "index", offset: number) =>
  usePolled(storageKeys.bloat(server, db, kind, offset), () => fetchJson(bloatUrl(server, { db, kind, offset, limit: BLOAT_PAGE }), BloatResponse), {
    intervalMs: 60_000,
  });
