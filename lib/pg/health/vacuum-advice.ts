import "server-only";
import type { VacuumAdvice } from "@/lib/schemas/health";
import { read } from "../run";
import type { Target } from "../pools";
import { OTHER_HOLDERS, xminHolders } from "./horizon";
import { fmtInt, fmtSeconds } from "./types";

// The vacuum advisor: after a VACUUM, n_dead_tup is what it found dead but could not remove yet
// (PostgreSQL reports its "recently dead" count there). When that is not zero, name what holds the
// xmin horizon: for an ordinary table only sessions of the same database count, then slots,
// prepared transactions and standby feedback (cluster-wide).

// After a VACUUM its report must have reached the statistics before n_dead_tup means anything:
// PostgreSQL 14 sends it to the stats collector, which a reader may see up to 500 ms late (15+
// writes shared memory at once). vacuum_count moving past the count read before the job says so.
const DEAD_AFTER = /* sql */ `SELECT n_dead_tup::float8 AS dead, vacuum_count::float8 AS vacuums FROM pg_stat_all_tables WHERE relid = $1`;
const FRESH_TRIES = 10;
const FRESH_WAIT_MS = 200;

/** Read before the VACUUM runs (null when unknown): what vacuumAdvice waits to see move. */
export function vacuumCount(target: Target, relid: number): Promise<number | null> {
  return read(target, async (db) => {
    const r = (await db.query(DEAD_AFTER, [relid])).rows[0];
    return r ? Number(r.vacuums) : null;
  });
}

function millions(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : fmtInt(n);
}

/** `vacuumsBefore`: vacuum_count before the job (null: do not wait, e.g. VACUUM FULL reports none). */
export async function vacuumAdvice(target: Target, relid: number, vacuumsBefore: number | null, now = Date.now()): Promise<VacuumAdvice | null> {
  for (let i = 1; vacuumsBefore !== null && i < FRESH_TRIES; i++) {
    const r = await read(target, async (db) => (await db.query(DEAD_AFTER, [relid])).rows[0]);
    if (!r || Number(r.vacuums) > vacuumsBefore) break;
    await new Promise((res) => setTimeout(res, FRESH_WAIT_MS));
  }
  return read(target, async (db) => {
    const dead = Number((await db.query(DEAD_AFTER, [relid])).rows[0]?.dead ?? 0);
    if (!(dead > 0)) return null;
    const sessions = (await xminHolders(db)).filter((h) => !target.database || h.database === target.database);
    const h = sessions[0];
    const others = ((await db.query(OTHER_HOLDERS)).rows as { kind: string; name: string; xmin_age: number | null }[]).map(
      (r) => `${r.kind === "slot" ? "replication slot" : r.kind === "prepared" ? "prepared transaction" : "standby feedback from"} ${r.name} (xmin age ${fmtInt(Number(r.xmin_age ?? 0))})`,
    );
    const why = h
      ? `the xmin horizon is held by pid ${h.pid} (${h.state ?? "in a transaction"} ${fmtSeconds(h.state?.startsWith("idle in transaction") ? h.stateSeconds : h.transactionSeconds)}, user ${h.user ?? "?"}${h.applicationName ? `, ${h.applicationName}` : ""})`
      : others.length
        ? `the xmin horizon is held by ${others[0]}`
        : "nothing holds the horizon now: the rows died while VACUUM ran; the next run removes them";
    return {
      kind: "vacuum_advice",
      deadRows: dead,
      message: `${millions(dead)} dead rows not removable: ${why}`,
      holder: h
        ? { pid: h.pid, backendStartUs: h.backendStartUs, user: h.user, application: h.applicationName, state: h.state, transactionSeconds: h.transactionSeconds, stateSeconds: h.stateSeconds }
        : null,
      others,
      checkedAt: now,
    };
  });
}
