import { DatabaseName } from "./common";
import { Finding, Limit } from "./findings";
import { z } from "./zod";

// Health checks (issue 12 item 5): findings with severity, evidence, why it matters and the exact
// fix, and the GRANT that would let the console see what it could not. Shared by route and client.

export const HealthQuery = z.object({ db: DatabaseName.optional() });
export type HealthQuery = z.infer<typeof HealthQuery>;

export const HealthFinding = Finding.extend({
  /** why it matters, in a sentence a DBA on call reads before acting */
  why: z.string().nullable(),
  /** the database the finding is about, when it is about one */
  database: z.string().nullable(),
});
export type HealthFinding = z.infer<typeof HealthFinding>;

export const HealthCheckRun = z.object({
  check: z.string(),
  title: z.string(),
  /** "ok": ran; "limited": ran without seeing everything (see limits); "failed": could not run */
  status: z.enum(["ok", "limited", "failed"]),
  message: z.string().nullable(),
  ms: z.number(),
});
export type HealthCheckRun = z.infer<typeof HealthCheckRun>;

export const HealthResponse = z.object({
  server: z.string(),
  database: z.string(),
  findings: z.array(HealthFinding),
  limits: z.array(Limit),
  checks: z.array(HealthCheckRun),
  counts: z.object({ critical: z.number(), warning: z.number(), info: z.number() }),
  durationMs: z.number(),
  readAt: z.number(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/** Vacuum advisor (issue 12 item 6): why a VACUUM left dead rows behind, stored with the job. */
export const VacuumAdvice = z.object({
  kind: z.literal("vacuum_advice"),
  /** n_dead_tup after the VACUUM: dead rows it could not remove yet */
  deadRows: z.number(),
  /** "2.1 M dead rows not removable: the xmin horizon is held by pid N (idle in transaction 14 min)" */
  message: z.string(),
  /** the session holding the horizon, when a session does: what the terminate dialog needs */
  holder: z
    .object({
      pid: z.number(),
      backendStartUs: z.number(),
      user: z.string().nullable(),
      application: z.string().nullable(),
      state: z.string().nullable(),
      transactionSeconds: z.number(),
      stateSeconds: z.number(),
    })
    .nullable(),
  /** other holders (a slot, a prepared transaction, a standby's feedback), named */
  others: z.array(z.string()),
  checkedAt: z.number(),
});
export type VacuumAdvice = z.infer<typeof VacuumAdvice>;
