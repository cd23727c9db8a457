import { escapeIdentifier } from "pg";
import type { MigrationEntry, MigrationHistory, MigrationProblem, MigrationTool } from "@/lib/schemas/migrations";
import type { Queryable } from "../types";
import { userTables, type TableInfo } from "./catalog";
import { catalogOf, detectMigrationTables, type Detection } from "./detect";
import { historyQuery, qualified, tableRef } from "./sql";
import { ident } from "./tool";

export { detectMigrationTables } from "./detect";

export interface HistoryOptions {
  /** Newest entries per table (failed/dirty rows are always included). */
  limit?: number;
  /** History tables read at most; a database with one schema per tenant can hold hundreds. */
  maxTables?: number;
}

interface Row {
  version: string | null;
  name: string | null;
  description: string | null;
  applied_at: Date | string | null;
  duration_ms: number | null;
  checksum: string | null;
  applied_by: string | null;
  state: MigrationEntry["state"];
  kind: string | null;
  grp: string | null;
  author: string | null;
  error: string | null;
  problem: boolean | null;
  total: number;
}

function isoTime(v: Date | string | null): string | null {
  if (v === null) return null;
  // Kysely stores an ISO string written by the client: anything unparseable becomes "not recorded".
  const ms = v instanceof Date ? v.getTime() : Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

function toEntry(r: Row): MigrationEntry {
  return {
    version: r.version,
    name: r.name,
    description: r.description || null,
    appliedAt: isoTime(r.applied_at),
    durationMs: r.duration_ms === null ? null : Math.round(r.duration_ms * 1000) / 1000,
    checksum: r.checksum,
    appliedBy: r.applied_by || null,
    state: r.state,
    kind: r.kind,
    group: r.grp,
    author: r.author,
    error: r.error,
  };
}

function grantFor(t: TableInfo, role: string): string {
  return `GRANT USAGE ON SCHEMA ${escapeIdentifier(t.schema)} TO ${escapeIdentifier(role)}; GRANT SELECT ON ${tableRef(t)} TO ${escapeIdentifier(role)};`;
}

function shell(d: Detection): MigrationTool {
  const { def, table: t } = d;
  return {
    tool: def.id,
    label: def.label,
    schema: t.schema,
    table: t.name,
    detectedBy: d.detectedBy,
    keepsHistory: def.keepsHistory,
    note: def.note ?? null,
    recordsTime: typeof def.recordsTime === "function" ? def.recordsTime(t) : def.recordsTime,
    recordsWho: def.recordsWho,
    recordsDuration: def.recordsDuration,
    order: def.order,
    readable: t.readable,
    grant: null,
    totalRows: 0,
    truncated: false,
    entries: [],
  };
}

function problemOf(tool: MigrationTool, kind: MigrationProblem["kind"], e: Pick<MigrationEntry, "version" | "name">, message: string): MigrationProblem {
  return { tool: tool.tool, label: tool.label, schema: tool.schema, table: tool.table, kind, version: e.version, name: e.name, message };
}

async function lockProblem(db: Queryable, d: Detection, tool: MigrationTool, lockTable: TableInfo | undefined): Promise<MigrationProblem | null> {
  const lock = d.def.lock;
  if (!lock || !lockTable?.readable) return null;
  const { rows } = await db.query(lock.query(qualified(lockTable.schema, lockTable.name)));
  const r = rows[0] as { held: boolean; since: Date | null; by: string | null } | undefined;
  if (!r?.held) return null;
  return problemOf(tool, "locked", { version: null, name: lockTable.name }, lock.message(r.by, isoTime(r.since)));
}

/** The migration history of the connected database, for every tool found in it. */
export async function migrationHistory(db: Queryable, opts: HistoryOptions = {}): Promise<MigrationHistory> {
  const limit = opts.limit ?? 500;
  const maxTables = opts.maxTables ?? 50;
  const tables = await userTables(db);
  const cat = catalogOf(tables);
  const detections = detectMigrationTables(tables);
  const { rows: who } = await db.query(/* sql */ `SELECT current_user::text AS role`);
  const role = (who[0] as { role: string }).role;

  const tools: MigrationTool[] = [];
  const problems: MigrationProblem[] = [];
  let omitted = 0;
  // One at a time: the reads share one connection and one transaction.
  for (const d of detections) {
    if (tools.length >= maxTables) {
      omitted++;
      continue;
    }
    const tool = shell(d);
    if (!tool.readable) {
      // Reading it would fail with 42501 and abort the whole read transaction.
      tool.grant = grantFor(d.table, role);
      tools.push(tool);
      continue;
    }
    const { rows } = await db.query(historyQuery(d.table, d.def.read(d.table)), [limit]);
    const total = (rows[0] as Row | undefined)?.total ?? 0;
    if (d.def.acceptTotal && !d.def.acceptTotal(total)) continue;
    tool.totalRows = total;
    tool.entries = (rows as Row[]).map(toEntry);
    tool.truncated = total > tool.entries.length;
    (rows as Row[]).forEach((r, i) => {
      const isProblem = r.problem ?? (r.state === "failed" || r.state === "dirty");
      if (!isProblem) return;
      const e = tool.entries[i]!;
      const kind = r.state === "dirty" ? "dirty" : "failed";
      const message = d.def.problemMessage?.(e) ?? `${tool.label} ${ident(e)} is ${r.state}.`;
      problems.push(problemOf(tool, kind, e, message));
    });
    const locked = await lockProblem(db, d, tool, d.def.lock && cat.table(d.table.schema, d.def.lock.name(d.table)));
    if (locked) problems.push(locked);
    tools.push(tool);
  }
  return { tools, problems, omittedTables: omitted };
}
