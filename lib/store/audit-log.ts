import "server-only";
import type { AuditQuery, AuditRow } from "@/lib/schemas/audit";
import { store } from "./db";

// Reading the audit log: filters are parameters (NULL means "any"), keyset paging by id.
const AUDIT_ROWS = /* sql */ `
  SELECT id, at, kind, intent_id, user_name, role, server, database, action,
         target_pid, target_backend_start, target_oid, target_name, params, client_addr,
         outcome, sqlstate, detail
    FROM audit_log
   WHERE ($1::text IS NULL OR server = $1)
     AND ($2::text IS NULL OR lower(user_name) = lower($2))
     AND ($3::text IS NULL OR action = $3)
     AND ($4::text IS NULL OR outcome = $4)
     AND ($5::text IS NULL OR kind = $5)
     AND ($6::timestamptz IS NULL OR at >= $6)
     AND ($7::timestamptz IS NULL OR at < $7)
     AND ($8::bigint IS NULL OR id < $8)
   ORDER BY id DESC
   LIMIT $9`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export async function auditRows(q: Omit<AuditQuery, "format">, maxRows = q.limit): Promise<AuditRow[]> {
  const { rows } = await (await store()).query(AUDIT_ROWS, [
    q.server ?? null,
    q.user ?? null,
    q.action ?? null,
    q.outcome ?? null,
    q.kind ?? null,
    q.from ?? null,
    q.to ?? null,
    q.before ?? null,
    maxRows,
  ]);
  return rows.map((r) => ({
    id: Number(r.id),
    at: r.at.toISOString(),
    kind: r.kind,
    intentId: r.intent_id === null ? null : Number(r.intent_id),
    user: r.user_name,
    role: r.role,
    server: r.server,
    database: r.database,
    action: r.action,
    targetPid: r.target_pid,
    targetBackendStart: iso(r.target_backend_start),
    targetOid: r.target_oid === null ? null : Number(r.target_oid),
    targetName: r.target_name,
    params: r.params ?? {},
    client: r.client_addr,
    outcome: r.outcome,
    sqlstate: r.sqlstate,
    detail: r.detail,
  }));
}

const CSV_COLUMNS: (keyof AuditRow)[] = [
  "id", "at", "kind", "intentId", "user", "role", "server", "database", "action",
  "targetPid", "targetBackendStart", "targetOid", "targetName", "params", "client", "outcome", "sqlstate", "detail",
];

function csvCell(value: unknown): string {
  let s = value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
  // Spreadsheet formula injection: a cell from a table name like "=HYPERLINK(...)" must stay text.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function auditCsvHeader(): string {
  return `${CSV_COLUMNS.join(",")}\r\n`;
}

export function auditCsvLines(rows: AuditRow[]): string {
  let out = "";
  for (const r of rows) out += `${CSV_COLUMNS.map((c) => csvCell(r[c])).join(",")}\r\n`;
  return out;
}

export function auditCsv(rows: AuditRow[]): string {
  return auditCsvHeader() + auditCsvLines(rows);
}

/** The export is capped so one click cannot pull an unbounded table through the console. */
export const AUDIT_CSV_MAX_ROWS = 50_000;
