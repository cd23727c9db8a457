import "server-only";
import type { Role, ServerRole } from "@/lib/auth/permissions";
import { AUDIT_OUTCOMES, type AuditOutcome } from "@/lib/schemas/audit";
import { store } from "./db";

// Append-only audit log: an intent row before acting, an outcome row after (pointing back),
// and one-shot event rows (sign-in, denied). UPDATE/DELETE are refused by a trigger and by
// the store role's grants (see migrations).

// The one outcome vocabulary lives in lib/schemas/audit.ts (shared with the page); action-specific
// words (cancelled, terminated, not_permitted…) are mapped to it by toAuditOutcome before writing.
export { AUDIT_OUTCOMES, type AuditOutcome };

export interface AuditTarget {
  pid?: number;
  /** backend_start in microseconds since the epoch (exact, as the activity API carries it) */
  backendStartUs?: number;
  oid?: number;
  name?: string;
}

export interface AuditEntry {
  user: { id: number; name: string } | null;
  role: ServerRole | null;
  server?: string | null;
  database?: string | null;
  action: string;
  target?: AuditTarget;
  params?: Record<string, unknown>;
  client?: string | null;
}

const INSERT = /* sql */ `
  INSERT INTO audit_log (kind, user_id, user_name, role, server, database, action,
                         target_pid, target_backend_start, target_oid, target_name, params, client_addr,
                         outcome, detail)
  VALUES ($1, $2, $3, $4, $5, $6, $7,
          $8, 'epoch'::timestamptz + $9::bigint * interval '1 microsecond', $10, $11, $12, $13, $14, $15)
  RETURNING id`;
// The outcome row repeats the intent's who/what so each row reads on its own (and in CSV).
const INSERT_OUTCOME = /* sql */ `
  INSERT INTO audit_log (kind, intent_id, user_id, user_name, role, server, database, action,
                         target_pid, target_backend_start, target_oid, target_name, params, client_addr,
                         outcome, sqlstate, detail)
  SELECT 'outcome', id, user_id, user_name, role, server, database, action,
         target_pid, target_backend_start, target_oid, target_name, params || $5::jsonb, client_addr, $2, $3, $4
    FROM audit_log WHERE id = $1 AND kind = 'intent'
  RETURNING id`;

// Secrets never reach audit rows, whatever a caller passes as parameters.
const SECRET_KEY = /pass|secret|token|cookie|dsn|url|conninfo|credential/i;

function scrub(value: unknown, depth = 0): unknown {
  if (depth > 4) return "[nested]";
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => scrub(v, depth + 1));
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? "[redacted]" : scrub(v, depth + 1);
    return out;
  }
  if (typeof value === "string") return value.length > 2_000 ? `${value.slice(0, 2_000)}…` : value;
  return value;
}

function clip(text: string | undefined): string | null {
  if (!text) return null;
  return text.length > 1_000 ? `${text.slice(0, 1_000)}…` : text;
}

function validSqlstate(s: string | undefined): string | null {
  return s && /^[0-9A-Z]{5}$/.test(s) ? s : null;
}

async function insert(kind: "intent" | "event", e: AuditEntry, outcome: AuditOutcome | null, detail?: string): Promise<number> {
  const t = e.target ?? {};
  const { rows } = await (await store()).query(INSERT, [
    kind,
    e.user?.id ?? null,
    e.user?.name ?? null,
    e.role,
    e.server ?? null,
    e.database ?? null,
    e.action,
    t.pid ?? null,
    t.backendStartUs ?? null,
    t.oid ?? null,
    t.name ?? null,
    JSON.stringify(scrub(e.params ?? {})),
    e.client ?? null,
    outcome,
    clip(detail),
  ]);
  return Number(rows[0].id);
}

/** Records what is about to be done; call BEFORE acting. Returns the id for auditOutcome. */
export function auditIntent(entry: AuditEntry): Promise<number> {
  return insert("intent", entry, null);
}

/** Records how an intent ended; `params` adds what was only known while acting (the query signalled). */
export async function auditOutcome(
  id: number,
  outcome: AuditOutcome,
  sqlstate?: string,
  detail?: string,
  params: Record<string, unknown> = {},
): Promise<number> {
  const { rows } = await (await store()).query(INSERT_OUTCOME, [id, outcome, validSqlstate(sqlstate), clip(detail), JSON.stringify(scrub(params))]);
  if (!rows[0]) throw new Error(`audit: no intent row ${id}`);
  return Number(rows[0].id);
}

/** A single row for things without a separate intent: sign-ins, refused requests. */
export function auditEvent(entry: AuditEntry, outcome: AuditOutcome, detail?: string): Promise<number> {
  return insert("event", entry, outcome, detail);
}

export function auditDenied(entry: AuditEntry, detail?: string): Promise<number> {
  return auditEvent(entry, "denied", detail);
}

/** Maps action-specific outcome words (cancelled, terminated, not_permitted…) to audit outcomes. */
export function toAuditOutcome(word: string): AuditOutcome {
  if ((AUDIT_OUTCOMES as readonly string[]).includes(word)) return word as AuditOutcome;
  if (["cancelled", "terminated", "done", "succeeded", "sent"].includes(word)) return "ok";
  if (word === "not_found" || word === "gone") return "already_gone";
  if (word === "not_permitted" || word === "error") return "failed";
  return "unknown";
}

/**
 * An auditor bound to one request (who, where, from which address), shaped for lib/actions:
 * `intent({action, target, params})` before, `outcome(id, {outcome, sqlstate?, message?})` after.
 */
export function auditorFor(ctx: { user: { id: number; name: string }; role: Role; server: string; client?: string | null }) {
  return actionAuditor(requestAudit({ ...ctx, client: ctx.client ?? null, action: "signal" }));
}

/** The request's audit shaped for lib/actions (signals): outcome words mapped to the one vocabulary. */
export function actionAuditor(audit: RequestAudit) {
  return {
    intent: (e: { action: string; target?: AuditTarget; params?: Record<string, unknown> }) => audit.intent(e),
    outcome: async (id: unknown, o: { outcome: string; sqlstate?: string; message?: string }, facts?: { query?: string | null }) => {
      const mapped = toAuditOutcome(o.outcome);
      // PostgreSQL refusing (42501) is a failure with a SQLSTATE, not the console's own "denied".
      const sqlstate = o.sqlstate ?? (o.outcome === "not_permitted" ? "42501" : undefined);
      // The query is redacted by the caller (lib/pg/query-text.ts) before it gets here.
      await audit.outcome(Number(id), mapped, sqlstate, o.message, facts?.query ? { query: facts.query } : {});
    },
  };
}

/** Who asks, as the handler knows it. */
export interface Requester {
  user: { id: number; name: string };
  role: Role;
  client: string | null;
}

/**
 * The audit of one action request, made by the handler (lib/api/handler.ts) for every route that
 * declares `audit`: the lib function writes its intent/outcome rows through it (server, user, role
 * and address are bound), and the handler writes one row itself when the function wrote none —
 * so an action route cannot forget its audit.
 */
export interface RequestAudit {
  readonly who: Requester;
  /** the action declared by the route (the intent's default action) */
  readonly action: string;
  intent(e: { action?: string; database?: string | null; target?: AuditTarget; params?: Record<string, unknown> }): Promise<number>;
  outcome(id: number, outcome: AuditOutcome, sqlstate?: string, detail?: string, params?: Record<string, unknown>): Promise<number>;
  event(e: { action?: string; database?: string | null; target?: AuditTarget; params?: Record<string, unknown> }, outcome: AuditOutcome, detail?: string): Promise<number>;
  /** whether any row was written for this request */
  readonly written: boolean;
}

export function requestAudit(ctx: Requester & { server: string | null; action: string }): RequestAudit {
  const { server, action, ...who } = ctx;
  let written = false;
  const entry = (e: { action?: string; database?: string | null; target?: AuditTarget; params?: Record<string, unknown> }): AuditEntry => ({
    ...who,
    server,
    database: e.database,
    action: e.action ?? action,
    target: e.target,
    params: e.params,
  });
  return {
    who,
    action,
    get written() {
      return written;
    },
    intent: async (e) => {
      const id = await auditIntent(entry(e));
      written = true;
      return id;
    },
    outcome: (id, outcome, sqlstate, detail, params) => auditOutcome(id, outcome, sqlstate, detail, params),
    event: async (e, outcome, detail) => {
      const id = await auditEvent(entry(e), outcome, detail);
      written = true;
      return id;
    },
  };
}
