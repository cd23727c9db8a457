import "server-only";
import { DomainError } from "@/lib/errors";
import { scopePrefix } from "@/lib/pg/cache-keys";
import { invalidateReads } from "@/lib/pg/cache";
import { DbError } from "@/lib/pg/errors";
import { adminCommands, BouncerError, quoteName } from "@/lib/pg/pgbouncer/admin";
import { toDatabase } from "@/lib/pg/pgbouncer/shows";
import type { BouncerAction, BouncerActionBody, BouncerActionResponse } from "@/lib/schemas/pgbouncer";
import type { AuditOutcome, RequestAudit } from "@/lib/store/audit";

// PAUSE, RESUME and RECONNECT one database on a PgBouncer (admin role in the console; the
// console's PgBouncer user must be in admin_users). The database name must be one SHOW DATABASES
// lists right now, and is sent quoted (the admin console parses a double-quoted WORD).

const DONE: Record<BouncerAction, string> = {
  pause: "Paused: new transactions queue in PgBouncer until RESUME; server connections are released once their transactions end.",
  resume: "Resumed: queued clients proceed.",
  reconnect: "Reconnect scheduled: each server connection is closed and re-opened once it is released (for a new DNS answer, a failover or changed settings).",
};

async function databasesNow(server: string) {
  const [rows] = await adminCommands(server, ["SHOW DATABASES"]);
  return rows!.map(toDatabase);
}

export async function bouncerAction(server: string, action: BouncerAction, body: BouncerActionBody, audit: RequestAudit): Promise<BouncerActionResponse> {
  const listed = (await databasesNow(server)).find((d) => d.name === body.database);
  if (!listed || listed.admin) {
    throw new DomainError("not_found", "unknown_database", `PgBouncer lists no database ${JSON.stringify(body.database)} (SHOW DATABASES). Nothing was sent.`);
  }
  const command = `${action.toUpperCase()} ${quoteName(listed.name)}`;
  const intentId = await audit.intent({ database: listed.name, action: `pgbouncer_${action}`, target: { name: listed.name }, params: { command } });
  const result = await run(server, action, listed.name, command);
  const outcome: AuditOutcome = result.outcome === "ok" ? "ok" : result.outcome === "unknown" ? "unknown" : result.outcome === "not_found" ? "already_gone" : "failed";
  await audit.outcome(intentId, outcome, undefined, result.message);
  invalidateReads(scopePrefix({ server: server }));
  return result;
}

async function run(server: string, action: BouncerAction, database: string, command: string): Promise<BouncerActionResponse> {
  const base = { action, database };
  const pausedNow = async () => (await databasesNow(server).catch(() => [])).find((d) => d.name === database)?.paused ?? null;
  try {
    await adminCommands(server, [command]);
    return { ...base, outcome: "ok", message: DONE[action], paused: await pausedNow() };
  } catch (err) {
    if (err instanceof BouncerError) {
      return { ...base, outcome: err.kind === "refused" ? "failed" : err.kind, message: err.message, paused: await pausedNow() };
    }
    // PAUSE answers only once every server connection is released: a long transaction keeps it
    // waiting past the console's timeout. The pause itself is already in force — read it back.
    const paused = await pausedNow();
    if (action === "pause" && err instanceof DbError && err.code === "statement_timeout" && paused) {
      return {
        ...base,
        outcome: "ok",
        message: "Paused: new transactions queue in PgBouncer. Transactions already running still hold their server connections; PgBouncer waits for them to end.",
        paused,
      };
    }
    return { ...base, outcome: "unknown", message: `Outcome unknown (${err instanceof Error ? err.message : "no reply"}). Check the databases list before trying again.`, paused };
  }
}
