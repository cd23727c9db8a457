import "server-only";
import type { AuditQuery, AuditResponse } from "@/lib/schemas/audit";
import { AUDIT_CSV_MAX_ROWS, auditCsv, auditRows } from "./audit-log";

/** One page of rows as JSON, or every matching row (capped) as a CSV download. */
export async function auditExport(q: AuditQuery): Promise<AuditResponse | Response> {
  const { format, ...filter } = q;
  if (format === "csv") {
    const rows = await auditRows(filter, AUDIT_CSV_MAX_ROWS);
    return new Response(auditCsv(rows), {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="pgwarden-audit-${new Date().toISOString().slice(0, 19).replaceAll(":", "")}.csv"`,
        "cache-control": "no-store",
      },
    });
  }
  const rows = await auditRows(filter);
  return { rows, nextBefore: rows.length === filter.limit ? rows[rows.length - 1]!.id : null };
}
