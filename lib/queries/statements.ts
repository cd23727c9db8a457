"use client";
import { useMutation } from "@tanstack/react-query";
import {
  ExplainResponse,
  StatementDetail,
  StatementsResponse,
  type ExplainRequest,
  type StatementHistoryQuery,
  type StatementsQuery,
} from "@/lib/schemas/statements";
import { serverUrl } from "./api";
import { fetchJson, postJson } from "./fetch-json";
import { usePolled } from "./use-polled";

// Client side of the Queries area (issue 13): key factory, URL builders and hooks. The data
// changes once per pg_stat_statements snapshot (PGWARDEN_STATEMENTS_INTERVAL_S): polling faster
// only repeats the answer.
const POLL_MS = 15_000;

export const statementKeys = {
  top: (server: string, q: StatementsQuery) => ["statements", server, q.window, q.from ?? null, q.to ?? null, q.db ?? null, q.user ?? null, q.sort, q.limit] as const,
  detail: (server: string, queryid: string, q: StatementHistoryQuery) => ["statement", server, queryid, q.window, q.db ?? null, q.user ?? null] as const,
};

export const statementsUrl = (server: string, q: StatementsQuery) =>
  serverUrl(server, ["statements"], { window: q.window, from: q.from, to: q.to, db: q.db, user: q.user, sort: q.sort, limit: q.limit });
export const statementUrl = (server: string, queryid: string, q: StatementHistoryQuery) =>
  serverUrl(server, ["statements", queryid], { window: q.window, db: q.db, user: q.user });
export const explainUrl = (server: string, queryid: string) => serverUrl(server, ["statements", queryid, "explain"]);

/** The console page of one statement. */
export function queryPageHref(server: string, queryid: string, q: { db?: string; user?: string } = {}): string {
  const sp = new URLSearchParams();
  if (q.db) sp.set("db", q.db);
  if (q.user) sp.set("user", q.user);
  const qs = sp.toString();
  return `/servers/${encodeURIComponent(server)}/queries/${encodeURIComponent(queryid)}${qs ? `?${qs}` : ""}`;
}

export const useTopStatements = (server: string, q: StatementsQuery) =>
  usePolled(statementKeys.top(server, q), () => fetchJson(statementsUrl(server, q), StatementsResponse), { intervalMs: POLL_MS });

export const useStatement = (server: string, queryid: string, q: StatementHistoryQuery) =>
  usePolled(statementKeys.detail(server, queryid, q), () => fetchJson(statementUrl(server, queryid, q), StatementDetail), { intervalMs: POLL_MS });

/** EXPLAIN is an action (admin, audited): never retried, never run on its own. */
export function useExplain(server: string, queryid: string) {
  return useMutation({ mutationFn: (body: ExplainRequest) => postJson(explainUrl(server, queryid), body, ExplainResponse) });
}
