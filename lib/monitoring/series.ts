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
  type SizeGrowth,
  type SizePoint,
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

/**
 * Hourly points, then what is not rolled up yet from raw points, read at the same time: the
 * rollup of an hour runs with the first sample of the next, so the raw part starts an hour back.
 */
function mergeHourly(hourly: Point[], raw: Point[]): Point[] {
  const lastHour = hourly.length ? hourly[hourly.length - 1]!.at : -Infinity;
  return [...hourly, ...raw.filter((p) => p.at > lastHour)];
}

async function hourlyServer(server: string, from: number, to: number): Promise<Point[]> {
  const rawFrom = Math.max(from, Math.floor(to / HOUR_MS) * HOUR_MS - HOUR_MS);
  const [hourly, raw] = await Promise.all([serverHourly(server, from, to), serverBuckets(server, rawFrom, to, 3600)]);
  return mergeHourly(hourly, raw);
}

async function hourlyDatabase(server: string, datname: string, from: number, to: number): Promise<Point[]> {
  const rawFrom = Math.max(from, Math.floor(to / HOUR_MS) * HOUR_MS - HOUR_MS);
  const [hourly, raw] = await Promise.all([databaseHourly(server, datname, from, to), databaseBuckets(server, datname, rawFrom, to, 3600)]);
  return mergeHourly(hourly, raw);
}

/** First and last known size of each database, from the size points of the range. */
function growthOf(sizes: SizePoint[]): SizeGrowth[] {
  const byDb = new Map<string, SizePoint[]>();
  for (const p of sizes) {
    if (p.size === null) continue;
    const list = byDb.get(p.datname);
    if (list) list.push(p);
    else byDb.set(p.datname, [p]);
  }
  return [...byDb].map(([datname, points]) => {
    const first = points.reduce((a, b) => (b.at < a.at ? b : a));
    const last = points.reduce((a, b) => (b.at > a.at ? b : a));
    return { datname, first: first.size, last: last.size, span_ms: last.at - first.at };
  });
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
  // Growth per day is taken over a day at least: for 24 h and 7 d the size points read anyway say it.
  const growthFromSizes = RANGE_MS[range] >= 24 * HOUR_MS;
  const [serverPoints, dbPoints, sizes, growthRows, databases] = await Promise.all([
    hourly ? hourlyServer(server, readFrom, to) : serverBuckets(server, readFrom, to, step),
    db ? (hourly ? hourlyDatabase(server, db, readFrom, to) : databaseBuckets(server, db, readFrom, to, step)) : Promise.resolve(undefined),
    databaseSizes(server, from, to, Math.max(step, DATABASE_SIZES_INTERVAL_S), db),
    growthFromSizes ? Promise.resolve(undefined) : databaseSizeGrowth(server, now - 24 * HOUR_MS, db),
    databasesSeen(server, from),
  ]);
  const growth = growthRows ?? growthOf(sizes);
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
