import "server-only";
import pg from "pg";
import type { HealthFinding } from "@/lib/schemas/health";
import type { Queryable } from "../types";
import { finding, fmtInt, fmtSeconds, type CheckOutput, type Seeing, type Thresholds } from "./types";

// The xmin horizon: whatever keeps VACUUM from removing dead rows (sessions in a transaction,
// replication slots, prepared transactions, standby feedback), and wraparound per database.

const SESSIONS = /* sql */ `
  SELECT pid, usename, datname, application_name, state,
         (extract(epoch FROM backend_start) * 1000)::float8 AS backend_start_ms,
         floor(extract(epoch FROM backend_start) * 1000000)::int8 AS backend_start_us,
         backend_start::text AS backend_start_text,
         extract(epoch FROM now() - xact_start)::float8 AS xact_s,
         extract(epoch FROM now() - state_change)::float8 AS state_s,
         greatest(age(backend_xmin), age(backend_xid)) AS xmin_age
    FROM pg_stat_activity
   WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
     AND xact_start IS NOT NULL AND (backend_xmin IS NOT NULL OR backend_xid IS NOT NULL)
   ORDER BY xact_start
   LIMIT 50`;

export interface XminHolder {
  pid: number;
  user: string | null;
  database: string | null;
  applicationName: string | null;
  state: string | null;
  backendStart: number;
  backendStartUs: number;
  backendStartText: string;
  transactionSeconds: number;
  stateSeconds: number;
  xminAge: number | null;
}

/** Sessions holding the horizon, oldest transaction first (the vacuum advisor names the first). */
export async function xminHolders(db: Queryable): Promise<XminHolder[]> {
  const { rows } = await db.query(SESSIONS);
  return rows.map((r) => ({
    pid: Number(r.pid),
    user: r.usename,
    database: r.datname,
    applicationName: r.application_name,
    state: r.state,
    backendStart: Number(r.backend_start_ms),
    backendStartUs: Number(r.backend_start_us),
    backendStartText: r.backend_start_text,
    transactionSeconds: Number(r.xact_s),
    stateSeconds: Number(r.state_s),
    xminAge: r.xmin_age === null ? null : Number(r.xmin_age),
  }));
}

const DEAD_ROWS = /* sql */ `SELECT coalesce(sum(n_dead_tup), 0)::float8 AS dead FROM pg_stat_all_tables`;

export const OTHER_HOLDERS = /* sql */ `
  SELECT 'slot' AS kind, slot_name::text AS name, active, greatest(age(xmin), age(catalog_xmin)) AS xmin_age, NULL::float8 AS seconds, NULL::text AS db
    FROM pg_replication_slots WHERE xmin IS NOT NULL OR catalog_xmin IS NOT NULL
  UNION ALL
  SELECT 'prepared', gid, NULL, age(transaction), extract(epoch FROM now() - prepared)::float8, database::text FROM pg_prepared_xacts
  UNION ALL
  SELECT 'feedback', coalesce(application_name, '') || ' (pid ' || pid || ')', NULL, age(backend_xmin), NULL, NULL
    FROM pg_stat_replication WHERE backend_xmin IS NOT NULL`;

const WRAPAROUND = /* sql */ `
  SELECT datname, age(datfrozenxid) AS xid_age, mxid_age(datminmxid) AS mxid_age,
         current_setting('autovacuum_freeze_max_age')::bigint AS freeze_max,
         current_setting('autovacuum_multixact_freeze_max_age')::bigint AS mxid_freeze_max
    FROM pg_database WHERE datallowconn
   ORDER BY greatest(age(datfrozenxid), mxid_age(datminmxid)) DESC`;

const TERMINATE = (h: XminHolder) =>
  `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ${h.pid} AND backend_start = ${pg.escapeLiteral(h.backendStartText)};`;

function sessionFinding(h: XminHolder, dead: number, t: Thresholds, seeing: Seeing): HealthFinding | null {
  const idle = h.state?.startsWith("idle in transaction") ?? false;
  const tooIdle = idle && h.stateSeconds >= t.idleInTransactionSeconds;
  const tooLong = h.transactionSeconds >= t.longTransactionSeconds;
  if (!tooIdle && !tooLong) return null;
  const hours = h.transactionSeconds / 3600;
  return finding({
    check: idle ? "idle_in_transaction" : "long_transaction",
    subject: String(h.pid),
    severity: hours >= 1 ? "critical" : "warning",
    database: h.database,
    title: idle
      ? `pid ${h.pid} has been idle in transaction for ${fmtSeconds(h.stateSeconds)}, holding back VACUUM`
      : `pid ${h.pid} has had a transaction open for ${fmtSeconds(h.transactionSeconds)}`,
    evidence: [
      `pid ${h.pid}, user ${h.user ?? "?"}, database ${h.database ?? "?"}, application ${h.applicationName || "(none)"}`,
      `state ${h.state ?? "?"} for ${fmtSeconds(h.stateSeconds)}; transaction open ${fmtSeconds(h.transactionSeconds)}`,
      h.xminAge !== null ? `its snapshot is ${fmtInt(h.xminAge)} transactions old` : "no snapshot age visible",
      `dead rows in ${seeing.database} that VACUUM cannot remove while it stays: up to ${fmtInt(dead)} (n_dead_tup)`,
    ],
    why: "Rows deleted or updated after this transaction began stay on disk for everyone: tables and indexes bloat, and a long enough one brings the database closer to wraparound.",
    fix: `${TERMINATE(h)}\n-- and stop it recurring:\nALTER ROLE ${pg.escapeIdentifier(h.user ?? "app")} SET idle_in_transaction_session_timeout = '60s';`,
  });
}

async function horizonHolders(db: Queryable, t: Thresholds, seeing: Seeing): Promise<CheckOutput> {
  const holders = await xminHolders(db);
  const dead = Number((await db.query(DEAD_ROWS)).rows[0].dead);
  const findings = holders.map((h) => sessionFinding(h, dead, t, seeing)).filter((f): f is HealthFinding => f !== null);
  const { rows } = await db.query(OTHER_HOLDERS);
  for (const r of rows) {
    const age = r.xmin_age === null ? 0 : Number(r.xmin_age);
    if (r.kind === "prepared") {
      if (Number(r.seconds) < t.preparedTransactionSeconds && age < t.horizonAgeWarning) continue;
      findings.push(
        finding({
          check: "prepared_transaction",
          subject: r.name,
          severity: "critical",
          database: r.db,
          title: `Prepared transaction ${r.name} has been waiting for ${fmtSeconds(Number(r.seconds))}`,
          evidence: [`gid ${r.name} in database ${r.db}`, `xmin age ${fmtInt(age)} transactions`],
          why: "A forgotten prepared transaction survives restarts, holds its locks and the xmin horizon until someone commits or rolls it back.",
          fix: `-- in database ${r.db}, after checking with the coordinator that it is abandoned:\nROLLBACK PREPARED ${pg.escapeLiteral(r.name)};`,
        }),
      );
    } else if (age >= t.horizonAgeWarning) {
      const slot = r.kind === "slot";
      findings.push(
        finding({
          check: slot ? "slot_xmin" : "standby_feedback_xmin",
          subject: r.name,
          severity: "warning",
          title: slot ? `Replication slot ${r.name} holds the xmin horizon ${fmtInt(age)} transactions back` : `Standby ${r.name} holds the xmin horizon back through hot_standby_feedback`,
          evidence: [`xmin age ${fmtInt(age)} transactions`, slot ? `slot ${r.active ? "active" : "inactive"}` : "reported by the standby's feedback"],
          why: "VACUUM keeps every row version the slot or standby might still need: bloat grows on the primary until it moves on.",
          fix: slot
            ? `-- if no consumer will come back for it:\nSELECT pg_drop_replication_slot(${pg.escapeLiteral(r.name)});`
            : "-- end the long query on the standby, or set hot_standby_feedback = off there (queries may then be cancelled)",
        }),
      );
    }
  }
  return {
    findings,
    limits: seeing.allStats
      ? []
      : [{ what: "Other roles' sessions hide their transaction start and snapshot: idle-in-transaction holders may be missed.", grant: `GRANT pg_read_all_stats TO ${pg.escapeIdentifier(seeing.role)};` }],
  };
}

async function wraparound(db: Queryable, t: Thresholds): Promise<CheckOutput> {
  const { rows } = await db.query(WRAPAROUND);
  const findings: HealthFinding[] = [];
  for (const r of rows) {
    for (const kind of ["xid", "mxid"] as const) {
      const age = Number(kind === "xid" ? r.xid_age : r.mxid_age);
      if (age < t.xidAgeWarning) continue;
      const left = 2 ** 31 - age;
      const what = kind === "xid" ? "transaction ID" : "multixact ID";
      findings.push(
        finding({
          check: kind === "xid" ? "xid_wraparound" : "mxid_wraparound",
          subject: r.datname,
          severity: age >= t.xidAgeCritical ? "critical" : "warning",
          database: r.datname,
          title: `Database ${r.datname} is ${fmtInt(left)} ${what}s from wraparound`,
          evidence: [
            `age ${fmtInt(age)} of 2,147,483,648`,
            `${kind === "xid" ? "autovacuum_freeze_max_age" : "autovacuum_multixact_freeze_max_age"} = ${fmtInt(Number(kind === "xid" ? r.freeze_max : r.mxid_freeze_max))}: autovacuum forces freezing past it`,
          ],
          why: "At 2^31 PostgreSQL stops accepting writes until the database is vacuumed in single-user mode: an outage of hours on a big database.",
          fix: `-- in database ${r.datname}: freeze the oldest tables first (see "oldest tables" on this page with ?db=${r.datname})\nVACUUM (FREEZE, VERBOSE);`,
        }),
      );
    }
  }
  return { findings, limits: [] };
}

export const horizonChecks = { horizonHolders, wraparound };
