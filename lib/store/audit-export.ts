import "server-only";
import type { AuditQuery, AuditResponse } from "@/lib/schemas/audit";
import { AUDIT_CSV_MAX_ROWS, auditCsvHeader, auditCsvLines, auditRows } from "./audit-log";

// Rows per chunk of the CSV download: one keyset query and a few milliseconds of formatting, then
// the event loop is free again (health checks, cancels and the job worker keep running while an
// admin downloads 50,000 rows). Building the whole file at once blocked it for the full export.
const CSV_CHUNK_ROWS = 1_000;

function csvStream(filter: Omit<AuditQuery, "format">): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let before = filter.before ?? undefined;
  let sent = 0;
  let started = false;
  return new ReadableStream<Uint8Array>({
    // Called again only when the reader wants more: a slow download never piles rows up in memory.
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(auditCsvHeader()));
        return;
      }
      const want = Math.min(CSV_CHUNK_ROWS, AUDIT_CSV_MAX_ROWS - sent);
      if (want <= 0) return controller.close();
      try {
        const rows = await auditRows({ ...filter, before }, want);
        if (rows.length) {
          controller.enqueue(encoder.encode(auditCsvLines(rows)));
          sent += rows.length;
          before = rows[rows.length - 1]!.id;
        }
        if (rows.length < want) controller.close();
      } catch (err) {
        // The status line has gone out already: the download is cut short, and the log says why.
        console.error(`pgwarden: the audit CSV export stopped after ${sent} rows: ${(err as Error)?.name ?? "error"}`);
        controller.error(err);
      }
    },
  });
}

/** One page of rows as JSON, or every matching row (capped) as a CSV download, streamed in chunks. */
export async function auditExport(q: AuditQuery): Promise<AuditResponse | Response> {
  const { format, ...filter } = q;
  if (format === "csv") {
    return new Response(csvStream(filter), {
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
