import "server-only";
import { env } from "@/lib/config/env";
import type { MetricsQuery, MetricsRange, MetricsResponse } from "@/lib/schemas/metrics";
import {
  databaseBuckets,
  databaseHourly,
  databaseSizeGrowth,
  databaseSizes,
  databasesSeen,
  serverBuckets,
  serverHourly,
  type Point,
} from "@/lib/store/metric-reads";
import { buildCharts } from "./charts";
import { DATABASE_SIZES_INTERVAL_S } from "./collectors/database-sizes";

// GET /api/servers/{id}/metrics: the overview's charts for a range, at a resolution picked so a
// chart has a few hundred points at most:
//   1 h  → every sample (15 s by default)      raw points
//   6 h  → 1 minute buckets                    raw points, last counter / average gauge per bucket
//   24 h → 5 minute buckets                    raw points, likewise
//   7 d  → 1 hour                              hourly rollups (+ the current hour from raw points)
// Raw points are kept 2 days and hourly ones PGWARDEN_METRICS_RETENTION_DAYS (default 14).

const HOUR_MS = 3_600_000;
const RANGE_MS: Record<MetricsRange, number> = { "1h": HOUR_MS, "6h": 6 * HOUR_MS, "24h": 24 * HOUR_MS, "7d": 7 * 24 * HOUR_MS };
const STEP_S: Record<MetricsRange, number | "interval"> = { "1h": "interval", "6h": 60, "24h": 300, "7d": 3600 };

function stepSeconds(range: MetricsRange): number {
  const step = STEP_S[range];
  return step === "interval" ? env().PGWARDEN_SAMPLE_INTERVAL_S : Math.max(step, env().PGWARDEN_SAMPLE_INTERVAL_S);
}

/** Hourly points, then the hours not rolled up yet (the current one at least) from raw points. */
async function hourlyServer(server: string, from: number, to: number): Promise<Point[]> {
  const hourly = await serverHourly(server, from, to);
  const rawFrom = hourly.length ? hourly[hourly.length - 1]!.at + HOUR_MS : from;
  return [...hourly, ...(await serverBuckets(server, rawFrom, to, 3600))];
}

async function hourlyDatabase(server: string, datname: string, from: number, to: number): Promise<Point[]> {
  const hourly = await databaseHourly(server, datname, from, to);
  const rawFrom = hourly.length ? hourly[hourly.length - 1]!.at + HOUR_MS : from;
  return [...hourly, ...(await databaseBuckets(server, datname, rawFrom, to, 3600))];
}

export async function metricSeries(server: string, query: MetricsQuery, now = Date.now()): Promise<MetricsResponse> {
  const range = query.range;
  const step = stepSeconds(range);
  const stepMs = step * 1000;
  const from = now - RANGE_MS[range];
  // One bucket earlier than the range, so the first visible point has a rate; bucket-aligned so
  // a bucket is never cut in half.
  const readFrom = Math.floor(from / stepMs) * stepMs - stepMs;
  const to = now + 1;
  const hourly = range === "7d";
  const db = query.db;
  const [serverPoints, dbPoints, sizes, growth, databases] = await Promise.all([
    hourly ? hourlyServer(server, readFrom, to) : serverBuckets(server, readFrom, to, step),
    db ? (hourly ? hourlyDatabase(server, db, readFrom, to) : databaseBuckets(server, db, readFrom, to, step)) : Promise.resolve(undefined),
    databaseSizes(server, from, to, Math.max(step, DATABASE_SIZES_INTERVAL_S), db),
    databaseSizeGrowth(server, now - Math.max(RANGE_MS[range], 24 * HOUR_MS), db),
    databasesSeen(server, from),
  ]);
  const last = serverPoints[serverPoints.length - 1];
  return {
    server,
    range,
    database: db ?? null,
    stepSeconds: step,
    source: hourly ? "hourly" : "raw",
    sampleIntervalSeconds: env().PGWARDEN_SAMPLE_INTERVAL_S,
    from,
    to: now,
    lastSampleAt: last ? last.lastAt : null,
    databases,
    charts: buildCharts({ server: serverPoints, database: db ? { name: db, points: dbPoints ?? [] } : undefined, sizes, growth, from }),
    readAt: Date.now(),
  };
}
