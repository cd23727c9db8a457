import "server-only";
import pg from "pg";
import type { HealthFinding } from "@/lib/schemas/health";
import type { Queryable } from "../types";
import { finding, fmtInt, fmtSeconds, type CheckOutput, type Seeing, type Thresholds } from "./types";

// Per-database checks on tables and indexes. One statement each, bounded by LIMIT; none calls a
// size function per row of the catalog (ARCHITECTURE §3: 10,000 tables).

const qname = (schema: string, name: string) => `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;

// TOAST tables freeze with their owner: name the owner, which is what VACUUM takes, once: the older
// of the two speaks for both (two rows would be two findings with the same id).
const OLDEST_TABLES = /* sql */ `
  SELECT schema, name, toast, xid_age, mxid_age FROM (
    SELECT DISTINCT ON (coalesce(o.oid, c.oid))
           coalesce(on_.nspname, n.nspname) AS schema, coalesce(o.relname, c.relname) AS name, c.relkind = 't' AS toast,
           age(c.relfrozenxid) AS xid_age, mxid_age(c.relminmxid) AS mxid_age
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_class o ON c.relkind = 't' AND o.reltoastrelid = c.oid
      LEFT JOIN pg_namespace on_ ON on_.oid = o.relnamespace
     WHERE c.relkind IN ('r', 'm', 't') AND c.relfrozenxid <> '0'::xid
       AND greatest(age(c.relfrozenxid), mxid_age(c.relminmxid)) >= $1
     ORDER BY coalesce(o.oid, c.oid), greatest(age(c.relfrozenxid), mxid_age(c.relminmxid)) DESC
  ) per_table
   ORDER BY greatest(xid_age, mxid_age) DESC
   LIMIT 10`;

// Trigger points as autovacuum computes them, with per-table reloptions over the settings.
const VACUUM_STATE = /* sql */ `
  WITH s AS (
    SELECT current_setting('autovacuum_vacuum_threshold')::float8 AS vt, current_setting('autovacuum_vacuum_scale_factor')::float8 AS vs,
           current_setting('autovacuum_analyze_threshold')::float8 AS at, current_setting('autovacuum_analyze_scale_factor')::float8 AS as_
  ), t AS (
    SELECT st.schemaname AS schema, st.relname AS name, st.n_dead_tup::float8 AS dead, st.n_mod_since_analyze::float8 AS modified,
           greatest(c.reltuples, 0)::float8 AS reltuples, c.reloptions,
           extract(epoch FROM now() - greatest(st.last_vacuum, st.last_autovacuum))::float8 AS vacuum_s,
           extract(epoch FROM now() - greatest(st.last_analyze, st.last_autoanalyze))::float8 AS analyze_s,
           coalesce((SELECT split_part(o, '=', 2) FROM unnest(c.reloptions) o WHERE o LIKE 'autovacuum_vacuum_threshold=%'), NULL)::float8 AS r_vt,
           coalesce((SELECT split_part(o, '=', 2) FROM unnest(c.reloptions) o WHERE o LIKE 'autovacuum_vacuum_scale_factor=%'), NULL)::float8 AS r_vs,
           (SELECT split_part(o, '=', 2) FROM unnest(c.reloptions) o WHERE o LIKE 'autovacuum_enabled=%') AS r_enabled,
           (SELECT split_part(o, '=', 2) FROM unnest(tt.toast_reloptions) o WHERE o LIKE 'autovacuum_enabled=%') AS t_enabled
      FROM pg_stat_user_tables st
      JOIN pg_class c ON c.oid = st.relid
      LEFT JOIN LATERAL (SELECT t.reloptions AS toast_reloptions FROM pg_class t WHERE t.oid = c.reltoastrelid) tt ON true
  )
  SELECT t.*, coalesce(t.r_vt, s.vt) + coalesce(t.r_vs, s.vs) * t.reltuples AS vacuum_at, s.at + s.as_ * t.reltuples AS analyze_at
    FROM t, s`;

const AUTOVACUUM_GLOBAL = /* sql */ `
  SELECT current_setting('autovacuum') AS autovacuum, current_setting('autovacuum_max_workers')::int AS max_workers,
         (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker') AS busy`;

// CREATE INDEX CONCURRENTLY marks its index invalid while it runs: those are not findings.
const INVALID_INDEXES = /* sql */ `
  SELECT n.nspname AS schema, c.relname AS name, t.relname AS table_name, pg_get_indexdef(i.indexrelid) AS def
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
    JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE NOT i.indisvalid
     AND NOT EXISTS (SELECT 1 FROM pg_stat_progress_create_index p WHERE p.index_relid = i.indexrelid OR p.relid = i.indrelid)
   LIMIT 50`;

// Ranked by relpages (no file access) and measured exactly for the ten shown: pg_relation_size
// on every index is a stat() each, seconds at 20,000 indexes.
const UNUSED_INDEXES = /* sql */ `
  WITH candidates AS (
    SELECT s.schemaname AS schema, s.indexrelname AS name, s.relname AS table_name, s.indexrelid
      FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid JOIN pg_class c ON c.oid = s.indexrelid
     WHERE s.idx_scan = 0 AND NOT i.indisunique AND NOT i.indisprimary AND i.indisvalid
       AND c.relpages::float8 * current_setting('block_size')::int >= $1
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = s.indexrelid)
     ORDER BY c.relpages DESC
     LIMIT 10)
  SELECT schema, name, table_name, pg_relation_size(indexrelid)::float8 AS bytes,
         (SELECT stats_reset::text FROM pg_stat_database WHERE datname = current_database()) AS since
    FROM candidates
   ORDER BY bytes DESC`;

async function oldestTables(db: Queryable, t: Thresholds, seeing: Seeing): Promise<CheckOutput> {
  const { rows } = await db.query(OLDEST_TABLES, [t.xidAgeWarning]);
  return {
    findings: rows.map((r) => {
      const age = Math.max(Number(r.xid_age), Number(r.mxid_age));
      return finding({
        check: "table_wraparound",
        subject: `${r.schema}.${r.name}`,
        severity: age >= t.xidAgeCritical ? "critical" : "warning",
        database: seeing.database,
        title: `${r.schema}.${r.name}${r.toast ? " (its TOAST table)" : ""} is ${fmtInt(2 ** 31 - age)} transactions from wraparound`,
        evidence: [`relfrozenxid age ${fmtInt(Number(r.xid_age))}, relminmxid age ${fmtInt(Number(r.mxid_age))}`],
        why: "The database's age is its oldest table's: freezing this one moves the whole database away from the wraparound stop.",
        fix: `VACUUM (FREEZE, VERBOSE) ${qname(r.schema, r.name)};`,
      });
    }),
    limits: [],
  };
}

const off = (v: string | null) => v !== null && /^(false|off|no|0)$/i.test(v);

async function vacuumState(db: Queryable, t: Thresholds, seeing: Seeing): Promise<CheckOutput> {
  const g = (await db.query(AUTOVACUUM_GLOBAL)).rows[0];
  const { rows } = await db.query(VACUUM_STATE);
  const findings: HealthFinding[] = [];
  if (g.autovacuum !== "on") {
    findings.push(
      finding({
        check: "autovacuum_off",
        severity: "critical",
        title: "autovacuum is off for the whole server",
        evidence: ["autovacuum = off"],
        why: "Nothing removes dead rows or freezes old ones: bloat grows and wraparound comes (anti-wraparound vacuums still run, late and all at once).",
        fix: "ALTER SYSTEM SET autovacuum = on;\nSELECT pg_reload_conf();",
      }),
    );
  }
  const allBusy = Number(g.busy) >= Number(g.max_workers);
  const behind = rows
    .filter((r) => r.dead >= t.deadRowsMin && r.dead > r.vacuum_at && (r.vacuum_s === null || r.vacuum_s >= t.vacuumStaleSeconds))
    .sort((a, b) => b.dead - a.dead)
    .slice(0, 10);
  for (const r of behind) {
    findings.push(
      finding({
        check: "autovacuum_behind",
        subject: `${r.schema}.${r.name}`,
        severity: "warning",
        database: seeing.database,
        title: `${r.schema}.${r.name}: ${fmtInt(r.dead)} dead rows, past autovacuum's trigger point`,
        evidence: [
          `autovacuum would run at ${fmtInt(Math.round(r.vacuum_at))} dead rows (threshold + scale factor × ${fmtInt(r.reltuples)} rows)`,
          r.vacuum_s === null ? "never vacuumed since the statistics reset" : `last vacuumed ${fmtSeconds(r.vacuum_s)} ago`,
          `autovacuum workers busy: ${g.busy} of ${g.max_workers}${allBusy ? " (all busy)" : ""}`,
          ...(off(r.r_enabled) ? ["autovacuum is disabled on this table"] : []),
        ],
        why: "Dead rows bloat the table and its indexes and slow every scan; if autovacuum cannot keep up, its workers are too few or too slow, or something holds the xmin horizon.",
        fix: `VACUUM (VERBOSE, ANALYZE) ${qname(r.schema, r.name)};${allBusy ? "\n-- all workers busy: raise autovacuum_max_workers (restart) or autovacuum_vacuum_cost_limit" : ""}`,
      }),
    );
  }
  const stale = rows
    .filter((r) => r.modified > r.analyze_at && r.modified >= t.deadRowsMin && (r.analyze_s === null || r.analyze_s >= t.analyzeStaleSeconds))
    .sort((a, b) => b.modified - a.modified)
    .slice(0, 10);
  for (const r of stale) {
    findings.push(
      finding({
        check: "stale_statistics",
        subject: `${r.schema}.${r.name}`,
        severity: "info",
        database: seeing.database,
        title: `${r.schema}.${r.name}: statistics are stale (${fmtInt(r.modified)} rows changed since ANALYZE)`,
        evidence: [`autoanalyze would run at ${fmtInt(Math.round(r.analyze_at))} changed rows`, r.analyze_s === null ? "never analyzed" : `last analyzed ${fmtSeconds(r.analyze_s)} ago`],
        why: "The planner estimates from these statistics: stale ones give bad plans (nested loops over millions of rows).",
        fix: `ANALYZE VERBOSE ${qname(r.schema, r.name)};`,
      }),
    );
  }
  for (const r of rows.filter((x) => off(x.r_enabled) || off(x.t_enabled)).slice(0, 20)) {
    findings.push(
      finding({
        check: "autovacuum_disabled",
        subject: `${r.schema}.${r.name}`,
        severity: "warning",
        database: seeing.database,
        title: `Autovacuum is disabled on ${r.schema}.${r.name}${off(r.r_enabled) ? "" : " (its TOAST table)"}`,
        evidence: [`reloptions: ${(r.reloptions ?? []).join(", ") || "(TOAST options)"}`, `${fmtInt(r.dead)} dead rows now`],
        why: "Nobody vacuums this table unless a job does: it bloats, and only the forced anti-wraparound vacuum will ever freeze it.",
        fix: off(r.r_enabled)
          ? `ALTER TABLE ${qname(r.schema, r.name)} RESET (autovacuum_enabled);`
          : `ALTER TABLE ${qname(r.schema, r.name)} RESET (toast.autovacuum_enabled);`,
      }),
    );
  }
  return { findings, limits: [] };
}

async function invalidIndexes(db: Queryable, _t: Thresholds, seeing: Seeing): Promise<CheckOutput> {
  const { rows } = await db.query(INVALID_INDEXES);
  return {
    findings: rows.map((r) =>
      finding({
        check: "invalid_index",
        subject: `${r.schema}.${r.name}`,
        severity: "warning",
        database: seeing.database,
        title: `Index ${r.schema}.${r.name} on ${r.table_name} is invalid`,
        evidence: [String(r.def), "left by a failed CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY; no build is running"],
        why: "An invalid index is never used for reads but is still updated on every write: all cost, no benefit (and a unique one does not enforce uniqueness).",
        fix: `DROP INDEX CONCURRENTLY ${qname(r.schema, r.name)};\n${String(r.def).replace(/^CREATE (UNIQUE )?INDEX /, "CREATE $1INDEX CONCURRENTLY ")};`,
      }),
    ),
    limits: [],
  };
}

async function unusedIndexes(db: Queryable, t: Thresholds, seeing: Seeing): Promise<CheckOutput> {
  const { rows } = await db.query(UNUSED_INDEXES, [t.unusedIndexMinBytes]);
  return {
    findings: rows.map((r) =>
      finding({
        check: "unused_index",
        subject: `${r.schema}.${r.name}`,
        severity: "info",
        database: seeing.database,
        title: `Index ${r.schema}.${r.name} (${(r.bytes / 1024 ** 2).toFixed(0)} MB) has never been scanned`,
        evidence: [`on ${r.schema}.${r.table_name}; idx_scan = 0 since ${r.since ?? "the statistics were created"}`, `${fmtInt(r.bytes)} bytes`],
        why: "Every write updates it and it takes space and cache; check the standbys (their scans are not counted here) before dropping it.",
        fix: `DROP INDEX CONCURRENTLY ${qname(r.schema, r.name)};`,
      }),
    ),
    limits: [],
  };
}

export const tableChecks = { oldestTables, vacuumState, invalidIndexes, unusedIndexes };
