import { z } from "./zod";

// A health finding: what is wrong, how bad, the figures that show it, and the fix to copy.
// Used by the operations areas (replication, archiving, PgBouncer).

export const Severity = z.enum(["info", "warning", "critical"]);
export type Severity = z.infer<typeof Severity>;

export const Finding = z.object({
  /** which check raised it (stable, for filtering and alert rules) */
  check: z.string(),
  /** unique within one response: check + subject (e.g. "inactive_slot:old_replica") */
  id: z.string(),
  severity: Severity,
  title: z.string(),
  /** the figures, one fact per line, as read from the server */
  evidence: z.array(z.string()),
  /** what to do, often a statement to run; text, never HTML */
  fix: z.string().nullable(),
});
export type Finding = z.infer<typeof Finding>;

/** A feature the console could not read, and the statement an administrator runs to allow it. */
export const Limit = z.object({
  what: z.string(),
  grant: z.string().nullable(),
});
export type Limit = z.infer<typeof Limit>;

/** Another entry of the servers file (a linked primary/standby, or a PgBouncer and the servers behind it). */
export const ServerLink = z.object({ id: z.string(), name: z.string() });
export type ServerLink = z.infer<typeof ServerLink>;
