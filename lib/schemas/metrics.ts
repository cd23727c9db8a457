import { z } from "./zod";
import { DatabaseName } from "./common";

// Metric history (server overview charts) and the fleet summary. Shared by the routes and the
// browser: no server-only imports here.

export const METRIC_RANGES = ["1h", "6h", "24h", "7d"] as const;
export const MetricsRange = z.enum(METRIC_RANGES);
export type MetricsRange = z.infer<typeof MetricsRange>;

export const MetricsQuery = z.object({
  range: MetricsRange.default("1h"),
  /** one database's charts; absent means the whole server (sums over its databases) */
  db: DatabaseName.optional(),
});
export type MetricsQuery = z.infer<typeof MetricsQuery>;

/** Units of a chart's y axis; the client formats values by unit. */
export const MetricUnit = z.enum([
  "connections",
  "sessions",
  "transactions/s",
  "rows/s",
  "ratio", // 0..1, shown as a percentage
  "bytes",
  "bytes/s",
  "per minute",
  "per hour",
  "seconds",
  "transactions", // XID ages
]);
export type MetricUnit = z.infer<typeof MetricUnit>;

export const CHART_IDS = [
  "connections",
  "tps",
  "cache_hit",
  "rows",
  "wait_events",
  "database_sizes",
  "wal",
  "temp_bytes",
  "deadlocks",
  "checkpoints",
  "longest_transaction",
  "xmin_age",
  "replication_lag",
] as const;
export const ChartId = z.enum(CHART_IDS);
export type ChartId = z.infer<typeof ChartId>;

export const MetricSeries = z.object({
  key: z.string(),
  label: z.string(),
  /** aligned with the chart's `t`; null = no value (no sample, or no rate across a reset/restart) */
  values: z.array(z.number().nullable()),
  /** "line" series are drawn over a stacked area (e.g. max_connections) */
  style: z.enum(["area", "line"]),
});
export type MetricSeries = z.infer<typeof MetricSeries>;

export const MetricChart = z.object({
  id: ChartId,
  title: z.string(),
  unit: MetricUnit,
  /** "server": the chart is server-wide even when a database is selected */
  scope: z.enum(["server", "database"]),
  stacked: z.boolean(),
  /** epoch ms of each point (start of its bucket) */
  t: z.array(z.number()),
  series: z.array(MetricSeries),
  /** a caveat a DBA should read with the chart (e.g. replay lag on an idle primary) */
  note: z.string().optional(),
  /** database_sizes only: growth per day over max(range, 1 day) */
  growth: z
    .array(z.object({ database: z.string(), bytesPerDay: z.number().nullable(), sizeBytes: z.number().nullable() }))
    .optional(),
});
export type MetricChart = z.infer<typeof MetricChart>;

export const MetricsResponse = z.object({
  server: z.string(),
  range: MetricsRange,
  database: z.string().nullable(),
  /** seconds per point, and where the points come from */
  stepSeconds: z.number(),
  source: z.enum(["raw", "hourly"]),
  sampleIntervalSeconds: z.number(),
  from: z.number(),
  to: z.number(),
  /** newest sample of the server in the store (epoch ms), null if none */
  lastSampleAt: z.number().nullable(),
  /** databases with history in the range, for a database picker */
  databases: z.array(z.string()),
  charts: z.array(MetricChart),
  readAt: z.number(),
});
export type MetricsResponse = z.infer<typeof MetricsResponse>;

/** The worst finding of the server's last health run (issue 12 item 5). */
export const WorstFinding = z
  .object({
    severity: z.enum(["info", "warning", "critical"]),
    title: z.string(),
    check: z.string().optional(),
    /** the database it was found in: every database is checked, the card shows the worst */
    database: z.string().optional(),
  })
  .nullable();

export const FleetServer = z.object({
  id: z.string(),
  name: z.string(),
  /** up: sampled recently; down: the last attempt failed; stale: no recent sample (no sampler
   * holds it, or it is overloaded); unknown: never sampled */
  status: z.enum(["up", "down", "stale", "unknown"]),
  /** for down: the error class and message; never connection details */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** since when it has been down (epoch ms), or null */
  downSince: z.number().nullable(),
  lastSampleAt: z.number().nullable(),
  /** "18.1", from server_version_num */
  version: z.string().nullable(),
  role: z.enum(["primary", "standby"]).nullable(),
  connections: z.object({ used: z.number(), max: z.number(), percent: z.number() }).nullable(),
  tps: z.number().nullable(),
  /** 0..1 over the last interval; null when there was no block access or no valid interval */
  cacheHitRatio: z.number().nullable(),
  longestTransactionSeconds: z.number().nullable(),
  /** a standby's replay lag, or a primary's furthest standby */
  replicationLag: z.object({ seconds: z.number().nullable(), bytes: z.number().nullable() }).nullable(),
  worstFinding: WorstFinding,
  /** when the worst finding was checked (epoch ms); null: no health run known for this server */
  healthCheckedAt: z.number().nullable(),
  /** checks of that run that could not run (a privilege, a timeout): "no finding" is then not "healthy" */
  healthFailedChecks: z.number().int().nullable(),
});
export type FleetServer = z.infer<typeof FleetServer>;

export const FleetResponse = z.object({
  servers: z.array(FleetServer),
  sampleIntervalSeconds: z.number(),
  readAt: z.number(),
});
export type FleetResponse = z.infer<typeof FleetResponse>;
