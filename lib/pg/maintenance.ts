import "server-only";
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { z } from "zod";
import { MaintenanceRequest, type MaintenanceNotice, type MaintenanceOutcome } from "@/lib/schemas/maintenance";
import { jobTag } from "./job-backend";
import { CONSOLE_APPLICATION_NAME } from "./pools";
import { EXACT_TARGET, shapeExactBloat, toExactTarget } from "./relations/exact-bloat";
import { conflictingLockModes, maintenanceStatement, MaintenanceRefusal, type CatalogRelation } from "./relations/maintenance-sql";

// The maintenance runner core. A job queue (with history and audit, lib/jobs) calls
// runMaintenance(); this file only runs one statement and reports what happened.
//
// Why a dedicated pg.Client and not the pool: VACUUM and REINDEX CONCURRENTLY refuse to run inside
// a transaction block, and the pool's reads run in one with a 5 s statement_timeout that would
// cancel any real VACUUM. Here: autocommit, statement_timeout 0, and a short lock_timeout of its
// own so a job fails fast instead of queueing behind a reader and blocking everyone behind it.
// Those are session settings, so the connection must be the job's alone and closed afterwards:
// the caller passes a direct endpoint (lib/pg/job-connection.ts), never a pooler.

export interface MaintenanceHooks {
  /** The comment the statement starts with (lib/pg/job-backend.ts): what progress and cancel look for. */
  tag?: string;
  /**
   * The job's backend is known, just before its statement is sent. backendStart is exact to the
   * microsecond (a JS Date would drop them and never match again). Awaited: resolving `true`
   * means a cancel came first, and the statement is not sent at all.
   */
  onStarted?(info: { pid: number; backendStart: string; statement: string; tag: string; relationBytes: number | null }): unknown;
  onNotice?(notice: MaintenanceNotice): void;
}

const SETUP = /* sql */ `
  SELECT pg_backend_pid() AS pid,
         (SELECT to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
            FROM pg_stat_activity WHERE pid = pg_backend_pid()) AS backend_start,
         pg_is_in_recovery() AS standby,
         current_setting('server_version_num')::int AS version,
         set_config('statement_timeout', '0', false) AS st,
         set_config('lock_timeout', $1, false) AS lt`;

// After a lock timeout: sessions holding or queued for a conflicting lock on the relation, its
// table (for an index), its indexes and its TOAST table. Queued ones count: a waiting ACCESS
// EXCLUSIVE request ahead of the job blocks it as surely as a granted one.
const LOCK_HOLDERS = /* sql */ `
  WITH rel AS (
    SELECT $1::oid AS oid
    UNION SELECT indrelid FROM pg_index WHERE indexrelid = $1
    UNION SELECT indexrelid FROM pg_index WHERE indrelid = $1
    UNION SELECT reltoastrelid FROM pg_class WHERE oid = $1 AND reltoastrelid <> 0
  )
  SELECT DISTINCT l.pid
    FROM pg_locks l
   WHERE l.locktype = 'relation' AND l.relation IN (SELECT oid FROM rel)
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
     AND l.mode = ANY($2::text[]) AND l.pid IS NOT NULL AND l.pid <> pg_backend_pid()
   ORDER BY l.pid`;

type PgError = Error & { code?: string; severity?: string };

function isSkipNotice(n: MaintenanceNotice): boolean {
  // PG ≤ 16: 'skipping "t" --- only table or database owner can vacuum it';
  // PG 17+: 'permission denied to vacuum "t", skipping it'; SKIP_LOCKED: 'skipping vacuum of "t" --- lock not available'.
  return /skipping/i.test(n.message);
}

/**
 * Runs one VACUUM / ANALYZE / REINDEX / pgstattuple read on a dedicated connection and reports
 * the outcome. The statement goes out as `<tag> <statement>`.
 * The request is validated here against the allow-list whatever the caller did before.
 */
export async function runMaintenance(
  config: pg.ClientConfig,
  input: z.input<typeof MaintenanceRequest>,
  hooks: MaintenanceHooks = {},
): Promise<MaintenanceOutcome> {
  const request = MaintenanceRequest.parse(input);
  // Without a job id (direct use) a random tag still makes the statement findable.
  const tag = hooks.tag ?? jobTag(`run${randomBytes(4).toString("hex")}`);
  const started = Date.now();
  const notices: MaintenanceNotice[] = [];
  let statement: string | null = null;
  let relation: CatalogRelation | null = null;
  let pid: number | null = null;
  const done = (status: MaintenanceOutcome["status"], message: string, extra: Partial<MaintenanceOutcome> = {}): MaintenanceOutcome => ({
    status,
    statement,
    relation,
    pid,
    message,
    notices,
    durationMs: Date.now() - started,
    ...extra,
  });

  const client = new pg.Client({ ...config, application_name: CONSOLE_APPLICATION_NAME });
  client.on("error", () => {}); // a dropped connection surfaces through the running query
  client.on("notice", (msg) => {
    const n: MaintenanceNotice = { severity: msg.severity ?? "NOTICE", message: msg.message ?? "", ...(msg.code ? { code: msg.code } : {}) };
    notices.push(n);
    hooks.onNotice?.(n);
  });
  try {
    await client.connect();
  } catch {
    return done("failed", "Could not connect to the database server; nothing was run.");
  }
  try {
    const setup = (await client.query(SETUP, [String(request.lockTimeoutMs)])).rows[0];
    pid = setup.pid;
    // pgstattuple only reads: it works on a standby too.
    if (setup.standby && request.kind !== "bloat_exact") {
      return done("refused", "The server is a standby (in recovery): VACUUM, ANALYZE and REINDEX can only run on the primary.");
    }
    const found = (await client.query(EXACT_TARGET, [request.relid])).rows[0];
    if (!found) return done("refused", "That relation no longer exists in this database; nothing was run.");
    const target = toExactTarget(found);
    relation = { oid: target.oid, schema: target.schema, name: target.name, kind: target.kind };
    // VACUUM, ANALYZE and REINDEX name the relation, which needs USAGE on its schema (pg_maintain
    // and table ownership do not give it); pgstattuple takes the OID and does not.
    if (request.kind !== "bloat_exact" && found.schema_usage === false) {
      const fix = `GRANT USAGE ON SCHEMA ${pg.escapeIdentifier(target.schema)} TO ${pg.escapeIdentifier(String(found.role))};`;
      return done("refused", `The console's role may not use schema ${target.schema}, so PostgreSQL cannot name the table; nothing was run. An administrator can run: ${fix}`);
    }
    try {
      statement = maintenanceStatement(request, { ...relation, am: target.am, pgstattupleSchema: target.pgstattupleSchema, blockSize: target.blockSize }, setup.version);
    } catch (err) {
      if (err instanceof MaintenanceRefusal) return done("refused", err.message);
      throw err;
    }
    const exact = request.kind === "bloat_exact";
    let cancelledFirst: unknown;
    try {
      cancelledFirst = await hooks.onStarted?.({
        pid: setup.pid,
        backendStart: setup.backend_start,
        statement,
        tag,
        relationBytes: exact ? target.relpages * target.blockSize : null,
      });
    } catch (err) {
      // Not recorded means not findable for progress or cancel: better not to start at all.
      return done("failed", `Not run: the job's backend could not be recorded (${(err as Error).message}); nothing was sent.`);
    }
    if (cancelledFirst === true) return done("cancelled", "Cancelled before its statement was sent; nothing was run.");
    let rows: Record<string, number | null>[];
    try {
      rows = (await client.query(`${tag} ${statement}`)).rows;
    } catch (err) {
      return await failure(client, request, err as PgError, done);
    }
    if (exact) {
      const result = shapeExactBloat(target, rows[0] ?? {});
      return done("ok", `Read ${result.name}: ${result.wastedPct.toFixed(1)} % wasted.`, { result });
    }
    const skip = notices.find(isSkipNotice);
    if (skip) return done("skipped", `PostgreSQL skipped it: ${skip.message}`);
    return done("ok", "Completed.");
  } catch (err) {
    const e = err as PgError;
    if (e.code && /^[0-9A-Z]{5}$/.test(e.code) && !e.code.startsWith("08")) {
      return done("failed", `PostgreSQL error ${e.code}: ${e.message}`, { sqlstate: e.code });
    }
    // The connection broke while the statement may have been running: outcome unknown.
    return done("unknown", "The connection was lost; the outcome is unknown. Re-read the table's state before retrying.");
  } finally {
    await client.end().catch(() => {});
  }
}

async function failure(
  client: pg.Client,
  request: MaintenanceRequest,
  e: PgError,
  done: (s: MaintenanceOutcome["status"], m: string, x?: Partial<MaintenanceOutcome>) => MaintenanceOutcome,
): Promise<MaintenanceOutcome> {
  const sqlstate = e.code && /^[0-9A-Z]{5}$/.test(e.code) ? e.code : undefined;
  if (!sqlstate || sqlstate.startsWith("08")) {
    return done("unknown", "The connection was lost while the statement ran; the outcome is unknown. Re-read the state before retrying.");
  }
  if (sqlstate === "55P03") {
    const { rows } = await client
      .query(LOCK_HOLDERS, [request.relid, conflictingLockModes(request.kind)])
      .catch(() => ({ rows: [] as { pid: number }[] }));
    const blockedBy = rows.map((r) => r.pid);
    const who = blockedBy.length ? `pid ${blockedBy.join(", pid ")}` : "a session that has since released its lock";
    return done("blocked", `Blocked by ${who}: gave up after lock_timeout ${request.lockTimeoutMs} ms; nothing was changed and nothing is left waiting.`, {
      sqlstate,
      blockedBy,
    });
  }
  if (sqlstate === "57014") return done("cancelled", "Cancelled while running.", { sqlstate });
  if (sqlstate === "25006" || /during recovery/i.test(e.message)) {
    return done("refused", `The server is a standby: ${e.message}`, { sqlstate });
  }
  const reindexNote = request.kind.startsWith("reindex")
    ? " A failed REINDEX CONCURRENTLY can leave an invalid index named *_ccnew behind: it shows under invalid indexes."
    : "";
  if (sqlstate === "42501") return done("failed", `Not permitted: ${e.message}.${reindexNote}`, { sqlstate });
  return done("failed", `PostgreSQL error ${sqlstate}: ${e.message}.${reindexNote}`, { sqlstate });
}
