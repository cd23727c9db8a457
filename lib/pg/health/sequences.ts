import "server-only";
import pg from "pg";
import type { HealthFinding } from "@/lib/schemas/health";
import { finding, fmtInt, type CheckOutput, type Seeing, type Thresholds, type Tx } from "./types";

// Sequences near exhaustion, against the OWNING COLUMN's type as well as the sequence's own max
// (an int4 column fed by a bigint sequence fails at 2^31 - 1). Lock-safe at 10,000 sequences:
// reading last_value takes a lock on the sequence held until commit, so the values are read in
// batches, one short transaction each; never pg_sequences in one statement ("out of shared memory").

// Catalog only, no sequence is opened: the owning column (OWNED BY) or else a column whose
// DEFAULT uses it. Set-based (hash joins over pg_depend): a lookup per sequence costs a second at
// 10,000 sequences. pg_depend is narrowed to the sequences' rows BEFORE pg_attribute is joined: at
// 10,000 tables its other column dependencies (indexes, ...) made a 320,000-row hash spill to disk
// (0.5 s of the check).
export const SEQUENCES = /* sql */ `
  WITH seqs AS (
    SELECT s.seqrelid, n.nspname AS schema, c.relname AS name, s.seqtypid, s.seqmax, s.seqincrement,
           has_sequence_privilege(c.oid, 'SELECT,USAGE') AS readable
      FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relpersistence <> 't' AND s.seqincrement > 0
  ), owners AS (
    SELECT d.objid AS seqrelid, d.refobjid AS relid, d.refobjsubid AS attnum, 1 AS pref
      FROM pg_depend d
     WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i') AND d.refobjsubid > 0
       AND d.objid IN (SELECT seqrelid FROM seqs)
    UNION ALL
    SELECT d.refobjid, ad.adrelid, ad.adnum, 2
      FROM pg_depend d JOIN pg_attrdef ad ON ad.oid = d.objid
     WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass
       AND d.refobjid IN (SELECT seqrelid FROM seqs)
  ), own AS (
    SELECT DISTINCT ON (o.seqrelid) o.seqrelid, tn.nspname AS col_schema, tc.relname AS table_name, a.attname AS column_name,
           a.atttypid::int AS col_typid, format_type(a.atttypid, a.atttypmod) AS col_type
      FROM owners o JOIN seqs q ON q.seqrelid = o.seqrelid
      JOIN pg_attribute a ON a.attrelid = o.relid AND a.attnum = o.attnum
      JOIN pg_class tc ON tc.oid = o.relid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
     ORDER BY o.seqrelid, o.pref
  )
  SELECT q.seqrelid::int8 AS oid, q.schema, q.name, q.seqtypid::regtype::text AS seq_type, q.seqmax::text AS seq_max,
         q.seqincrement::text AS increment, q.readable, own.col_schema, own.table_name, own.column_name, own.col_typid, own.col_type
    FROM seqs q LEFT JOIN own ON own.seqrelid = q.seqrelid`;

const LAST_VALUES = /* sql */ `SELECT x.oid::int8 AS oid, pg_sequence_last_value(x.oid::oid)::text AS last_value FROM unnest($1::int8[]) AS x(oid)`;

const TYPE_MAX: Record<number, bigint> = { 21: 32767n, 23: 2147483647n, 20: 9223372036854775807n };
const TYPE_NAME: Record<number, string> = { 21: "smallint", 23: "integer", 20: "bigint" };

interface SeqRow {
  oid: string;
  schema: string;
  name: string;
  seq_type: string;
  seq_max: string;
  readable: boolean;
  col_schema: string | null;
  table_name: string | null;
  column_name: string | null;
  col_typid: number | null;
  col_type: string | null;
}

function sequenceFinding(s: SeqRow, last: bigint, t: Thresholds, seeing: Seeing): HealthFinding | null {
  const seqMax = BigInt(s.seq_max);
  const colMax = s.col_typid !== null ? TYPE_MAX[s.col_typid] : undefined;
  const columnLimits = colMax !== undefined && colMax < seqMax;
  const limit = columnLimits ? colMax! : seqMax;
  // Ratio in thousandths with BigInt (values reach 2^63), then to a number.
  const share = Number((last * 100000n) / limit) / 100000;
  if (share < t.sequenceWarning) return null;
  const seqName = `${pg.escapeIdentifier(s.schema)}.${pg.escapeIdentifier(s.name)}`;
  const col = s.table_name ? `${s.col_schema}.${s.table_name}.${s.column_name}` : null;
  const fix = columnLimits
    ? `-- rewrites the table under an ACCESS EXCLUSIVE lock: plan a window (or migrate to a new bigint column online)\nALTER TABLE ${pg.escapeIdentifier(s.col_schema!)}.${pg.escapeIdentifier(s.table_name!)} ALTER COLUMN ${pg.escapeIdentifier(s.column_name!)} TYPE bigint;\nALTER SEQUENCE ${seqName} AS bigint;`
    : `ALTER SEQUENCE ${seqName} AS bigint MAXVALUE 9223372036854775807;${col && s.col_typid !== 20 ? `\n-- and the column ${col} (${s.col_type}) to bigint` : ""}`;
  return finding({
    check: "sequence_exhaustion",
    subject: `${s.schema}.${s.name}`,
    severity: share >= t.sequenceCritical ? "critical" : "warning",
    database: seeing.database,
    title: `Sequence ${s.schema}.${s.name} is at ${(share * 100).toFixed(1)} % of ${columnLimits ? `its column's type (${TYPE_NAME[s.col_typid!]})` : "its maximum"}`,
    evidence: [
      `last_value ${fmtInt(last)} of ${fmtInt(limit)}; ${fmtInt(limit - last)} values left`,
      `sequence ${s.seq_type}, max ${fmtInt(seqMax)}`,
      col ? `feeds ${col} (${s.col_type})` : "no owning or defaulting column found",
    ],
    why: "When it runs out every INSERT fails ('nextval: reached maximum value' or 'integer out of range'): the classic int4 primary-key outage.",
    fix,
  });
}

/** Needs several transactions (one per batch), hence a Tx rather than a client. */
export async function sequenceChecks(tx: Tx, t: Thresholds, seeing: Seeing): Promise<CheckOutput & { read: number }> {
  const all = (await tx(async (db) => (await db.query(SEQUENCES)).rows)) as SeqRow[];
  const readable = all.filter((s) => s.readable);
  const findings: HealthFinding[] = [];
  for (let i = 0; i < readable.length; i += t.sequenceBatch) {
    const batch = readable.slice(i, i + t.sequenceBatch);
    const values = await tx(async (db) => (await db.query(LAST_VALUES, [batch.map((s) => s.oid)])).rows as { oid: string; last_value: string | null }[]);
    const byOid = new Map(values.map((v) => [String(v.oid), v.last_value]));
    for (const s of batch) {
      const last = byOid.get(String(s.oid));
      if (last === null || last === undefined) continue; // never called: nothing used yet
      const f = sequenceFinding(s, BigInt(last), t, seeing);
      if (f) findings.push(f);
    }
  }
  const hidden = all.length - readable.length;
  return {
    findings,
    read: readable.length,
    limits: hidden
      ? [
          {
            what: `${fmtInt(hidden)} sequence${hidden === 1 ? "" : "s"} in ${seeing.database} could not be read (no SELECT or USAGE): their exhaustion is not checked.`,
            grant: seeing.versionNum >= 140000 ? `GRANT pg_read_all_data TO ${pg.escapeIdentifier(seeing.role)};` : `GRANT SELECT ON ALL SEQUENCES IN SCHEMA <schema> TO ${pg.escapeIdentifier(seeing.role)};`,
          },
        ]
      : [],
  };
}
