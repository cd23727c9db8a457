import type { MaintenanceStatus } from "@/lib/schemas/maintenance";
import type { AuditOutcome } from "@/lib/store/audit";

/** A job's outcome in the audit log's vocabulary (one map for jobs run here and jobs re-attached). */
export const AUDIT_OF: Record<MaintenanceStatus, AuditOutcome> = {
  ok: "ok",
  skipped: "skipped",
  unknown: "unknown",
  blocked: "failed",
  cancelled: "failed",
  refused: "failed",
  failed: "failed",
};
