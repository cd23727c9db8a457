import { z } from "./zod";
import { MAX_COUNT, intParam, optionalIntParam, text } from "./common";

// Audit log listing: filters (shared by the page's URL state and the route) and rows.

/**
 * THE outcome vocabulary of the audit log, from the action to the row and the page (the store's
 * CHECK constraint holds the same list). "denied": the console refused (role, rule); "failed":
 * PostgreSQL or the action refused or failed; "unknown": a lost reply; "skipped": nothing done.
 */
export const AUDIT_OUTCOMES = ["ok", "already_gone", "changed", "denied", "failed", "unknown", "skipped"] as const;
export const AuditOutcomeName = z.enum(AUDIT_OUTCOMES);
export type AuditOutcome = z.infer<typeof AuditOutcomeName>;

const optionalText = z.preprocess((v) => (typeof v === "string" ? v.trim() : v), text(200, 1).optional());

export const AuditQuery = z.object({
  server: optionalText,
  user: optionalText,
  action: optionalText,
  outcome: AuditOutcomeName.optional(),
  kind: z.enum(["intent", "outcome", "event"]).optional(),
  /** ISO timestamps (inclusive from, exclusive to) */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** keyset paging: rows with id < before */
  before: optionalIntParam(1, MAX_COUNT),
  limit: intParam(1, 500, 100),
  format: z.enum(["json", "csv"]).default("json"),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

/** The audit page's URL: the filters only (paging and the export format are the page's business). */
export const AuditFilterQuery = AuditQuery.pick({ server: true, user: true, action: true, outcome: true, kind: true, from: true, to: true });
export type AuditFilterQuery = z.infer<typeof AuditFilterQuery>;

export const AuditRow = z.object({
  id: z.number(),
  at: z.string(),
  kind: z.enum(["intent", "outcome", "event"]),
  intentId: z.number().nullable(),
  user: z.string().nullable(),
  role: z.string().nullable(),
  server: z.string().nullable(),
  database: z.string().nullable(),
  action: z.string(),
  targetPid: z.number().nullable(),
  targetBackendStart: z.string().nullable(),
  targetOid: z.number().nullable(),
  targetName: z.string().nullable(),
  params: z.record(z.string(), z.unknown()),
  client: z.string().nullable(),
  outcome: AuditOutcomeName.nullable(),
  sqlstate: z.string().nullable(),
  detail: z.string().nullable(),
});
export type AuditRow = z.infer<typeof AuditRow>;

export const AuditResponse = z.object({
  rows: z.array(AuditRow),
  /** pass as ?before= for the next (older) page; null at the end */
  nextBefore: z.number().nullable(),
});
export type AuditResponse = z.infer<typeof AuditResponse>;
