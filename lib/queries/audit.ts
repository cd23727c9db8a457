"use client";
import { AuditResponse, type AuditFilterQuery } from "@/lib/schemas/audit";
import { apiUrl } from "./api";
import { fetchJson } from "./fetch-json";
import { usePolled } from "./use-polled";

// Client side of the audit log route (console-wide, admins only).

type AuditFilter = AuditFilterQuery;

export const auditKeys = {
  all: ["audit"] as const,
  page: (filter: AuditFilter, before: number | undefined) => ["audit", filter, before ?? null] as const,
};

export const auditUrl = (filter: AuditFilter, before?: number) => apiUrl(["audit"], { ...filter, before });
export const auditCsvUrl = (filter: AuditFilter) => apiUrl(["audit"], { ...filter, format: "csv" });

export const useAudit = (filter: AuditFilter, before: number | undefined) =>
  usePolled(auditKeys.page(filter, before), () => fetchJson(auditUrl(filter, before), AuditResponse), { intervalMs: 10_000 });
