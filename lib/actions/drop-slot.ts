import "server-only";
import pg from "pg";
import { scopePrefix } from "@/lib/pg/cache-keys";
import { invalidateReads } from "@/lib/pg/cache";
import { DbError } from "@/lib/pg/errors";
import { act } from "@/lib/pg/run";
import { DROP_SLOT, SLOT_FOR_DROP } from "@/lib/pg/replication/sql";
import type { DropSlotRequest, DropSlotResponse } from "@/lib/schemas/replication";
import type { AuditOutcome, RequestAudit } from "@/lib/store/audit";

const OBJECT_IN_USE = "55006";
const UNDEFINED_OBJECT = "42704";

/**
 * Drops an inactive replication slot. The slot is re-read in the same transaction right before
 * the drop; an active slot is refused (its standby or subscriber is using it), and one that became
 * active in between makes pg_drop_replication_slot fail with 55006, reported the same way.
 * Audited: intent before, outcome after. Never retried.
 */
export async function dropSlot(server: string, req: DropSlotRequest, audit: RequestAudit): Promise<DropSlotResponse> {
  const intentId = await audit.intent({ action: "drop_slot", target: { name: req.slot }, params: { slot: req.slot } });
  const result = await attempt(server, req.slot);
  const outcome: AuditOutcome = result.outcome === "dropped" ? "ok" : result.outcome === "not_found" ? "already_gone" : result.outcome === "unknown" ? "unknown" : "failed";
  await audit.outcome(intentId, outcome, result.sqlstate, result.message);
  invalidateReads(scopePrefix({ server: server })); // the next poll shows the slot gone
  return result;
}

async function attempt(server: string, slot: string): Promise<DropSlotResponse> {
  const base = { slot, retainedBytes: null };
  let consoleRole = "<console role>";
  try {
    return await act<DropSlotResponse>({ server }, async (db) => {
      const row = (await db.query(SLOT_FOR_DROP, [slot])).rows[0];
      consoleRole = row.console_role;
      if (row.slot_name === null) return { ...base, outcome: "not_found", message: `There is no slot ${slot} (dropped already?). Nothing was done.` };
      const retained = row.retained_bytes === null ? null : Number(row.retained_bytes);
      if (row.active) {
        return {
          ...base,
          retainedBytes: retained,
          outcome: "active",
          message: `Slot ${slot} is active (used by pid ${row.active_pid}): its ${row.slot_type === "logical" ? "subscriber" : "standby"} depends on it. Nothing was dropped.`,
        };
      }
      await db.query(DROP_SLOT, [slot]);
      return {
        ...base,
        retainedBytes: retained,
        outcome: "dropped",
        message: `Slot ${slot} dropped. The WAL it held is removed at the next checkpoint.`,
      };
    });
  } catch (err) {
    const e = err instanceof DbError ? err : undefined;
    if (e?.sqlstate === OBJECT_IN_USE) {
      return { ...base, outcome: "active", sqlstate: e.sqlstate, message: `Slot ${slot} became active before it could be dropped. Nothing was dropped.` };
    }
    if (e?.sqlstate === UNDEFINED_OBJECT) return { ...base, outcome: "not_found", sqlstate: e.sqlstate, message: `There is no slot ${slot}. Nothing was done.` };
    if (e?.code === "not_permitted") {
      return {
        ...base,
        outcome: "not_permitted",
        sqlstate: e.sqlstate,
        message: "The console's role may not drop replication slots (it needs the REPLICATION attribute or superuser).",
        grant: `ALTER ROLE ${pg.escapeIdentifier(consoleRole)} REPLICATION;`,
      };
    }
    if (e && e.code !== "unreachable") return { ...base, outcome: "failed", sqlstate: e.sqlstate, message: e.message };
    // The drop may or may not have happened: the page re-reads the slots, nothing is retried.
    return { ...base, outcome: "unknown", message: "Outcome unknown (no reply from the server). Check the slot list before trying again." };
  }
}
