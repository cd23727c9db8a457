import "server-only";
import type { Limit } from "@/lib/schemas/findings";
import type { HealthFinding } from "@/lib/schemas/health";
import type { Queryable } from "../types";

/** Runs fn in one short read-only transaction (the console's read(), or a bench's own client). */
export type Tx = <T>(fn: (db: Queryable) => Promise<T>) => Promise<T>;

export interface CheckOutput {
  findings: HealthFinding[];
  limits: Limit[];
}

/** What a check may know about the console's role (from the server facts read once per server). */
export interface Seeing {
  role: string;
  /** sees other roles' sessions in full (pg_read_all_stats, pg_monitor or superuser) */
  allStats: boolean;
  versionNum: number;
  database: string;
}

// Defaults from the reference (PgHero, pganalyze, the operations articles); tests lower them.
export const DEFAULT_THRESHOLDS = {
  /** XID / multixact age of a database or table: warning, critical (2^31 is the wall) */
  xidAgeWarning: 500_000_000,
  xidAgeCritical: 1_200_000_000,
  /** idle in transaction longer than this holds back VACUUM (the articles' timeout is 60 s) */
  idleInTransactionSeconds: 60,
  /** a transaction open longer than this */
  longTransactionSeconds: 300,
  /** xmin age of a slot, a prepared transaction or a standby's feedback worth naming */
  horizonAgeWarning: 10_000_000,
  preparedTransactionSeconds: 300,
  sequenceWarning: 0.75,
  sequenceCritical: 0.9,
  /** sequences read per transaction: reading last_value takes a lock held until commit */
  sequenceBatch: 1_000,
  connectionsWarning: 0.8,
  connectionsCritical: 0.95,
  cacheHitWarning: 0.99,
  /** below this many block reads+hits since the reset, the ratio means nothing (cold cache) */
  cacheMinBlocks: 100_000,
  checkpointsRequestedShare: 0.5,
  checkpointsMin: 10,
  /** autovacuum behind: over its trigger point by this many dead rows, and not vacuumed for this long */
  deadRowsMin: 10_000,
  vacuumStaleSeconds: 3_600,
  /** statistics stale: modified past the analyze trigger and not analyzed for this long */
  analyzeStaleSeconds: 86_400,
  unusedIndexMinBytes: 10 * 1024 * 1024,
};
export type Thresholds = typeof DEFAULT_THRESHOLDS;

type FindingInput = Omit<HealthFinding, "id" | "database"> & { subject?: string; database?: string | null };

/** A finding with its id (check + subject), unique within one report. */
export function finding(f: FindingInput): HealthFinding {
  const { subject, ...rest } = f;
  return { ...rest, id: subject ? `${f.check}:${subject}` : f.check, database: f.database ?? null };
}

// One formatter: toLocaleString("en-US") builds a new one per call (7 µs a bigint; thousands of
// sequence findings at 10,000 sequences).
const INT_FORMAT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
export const fmtInt = (n: number | bigint) => INT_FORMAT.format(typeof n === "bigint" ? n : Math.round(n));

export function fmtSeconds(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7_200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${(s / 86_400).toFixed(1)} d`;
}
