// Turns stored points (raw counters and gauges, bucketed or hourly) into the overview's charts.
// Pure: no store access, no server-only import (unit-tested). Rates follow rates.ts: an interval
// across a restart, a stats reset or a database created/dropped has no value.
import type { MetricChart, MetricSeries } from "@/lib/schemas/metrics";
import { epochOf, rateSeries, ratioSeries, type CounterPoint } from "./rates";

/** A point as lib/store/metric-reads.ts returns it: numbers (times in epoch ms) or null. */
export type Point = Record<string, number | null> & { at: number; lastAt: number };

type EpochFn = (p: Point) => string;

const serverDbEpoch: EpochFn = (p) => epochOf(p.postmaster_start, p.db_epoch);
const databaseEpoch: EpochFn = (p) => epochOf(p.postmaster_start, p.stats_reset, p.datid);
const checkpointEpoch: EpochFn = (p) => epochOf(p.postmaster_start, p.ckpt_reset);
const walEpoch: EpochFn = (p) => epochOf(p.postmaster_start, p.in_recovery);

function counter(points: Point[], col: string, epoch: EpochFn): CounterPoint[] {
  return points.map((p) => ({ t: p.lastAt, epoch: epoch(p), value: p[col] ?? null }));
}

function gauge(points: Point[], col: string): (number | null)[] {
  return points.map((p) => p[col] ?? null);
}

function series(key: string, label: string, values: (number | null)[], style: "area" | "line" = "area"): MetricSeries {
  return { key, label, values, style };
}

function rates(points: Point[], col: string, epoch: EpochFn, per = 1) {
  return rateSeries(counter(points, col, epoch), per);
}

/** Drops the leading points that were read only to give the first visible point its rate. */
function visible(chart: MetricChart, from: number): MetricChart {
  const first = chart.t.findIndex((t) => t >= from);
  const cut = first < 0 ? chart.t.length : first;
  if (cut === 0) return chart;
  return { ...chart, t: chart.t.slice(cut), series: chart.series.map((s) => ({ ...s, values: s.values.slice(cut) })) };
}

export interface ChartInput {
  /** server-wide points, oldest first, including one before `from` when there is one */
  server: Point[];
  /** with ?db=: that database's points (same bucketing) */
  database?: { name: string; points: Point[] };
  sizes: { datname: string; at: number; size: number | null }[];
  growth: { datname: string; first: number | null; last: number | null; span_ms: number | null }[];
  from: number;
}

function connections(points: Point[], maxFrom: Point[], scope: "server" | "database"): MetricChart {
  const total = gauge(points, scope === "server" ? "conn_total" : "backends");
  const active = gauge(points, "conn_active");
  const idle = gauge(points, "conn_idle");
  const iit = gauge(points, "conn_idle_in_xact");
  const other = total.map((t, i) => (t === null ? null : Math.max(0, t - (active[i] ?? 0) - (idle[i] ?? 0) - (iit[i] ?? 0))));
  const maxByTime = new Map(maxFrom.map((p) => [p.at, p.max_connections ?? null]));
  return {
    id: "connections",
    title: "Connections by state",
    unit: "connections",
    scope,
    stacked: true,
    t: points.map((p) => p.at),
    series: [
      series("active", "active", active),
      series("idle_in_transaction", "idle in transaction", iit),
      series("idle", "idle", idle),
      series("other", "other (starting, fastpath, hidden)", other),
      series("max_connections", "max_connections", points.map((p) => maxByTime.get(p.at) ?? null), "line"),
    ],
  };
}

function databaseCharts(points: Point[], epoch: EpochFn, scope: "server" | "database"): MetricChart[] {
  const t = points.map((p) => p.at);
  const r = (col: string, per = 1) => rates(points, col, epoch, per);
  return [
    {
      id: "tps",
      title: "Transactions per second",
      unit: "transactions/s",
      scope,
      stacked: false,
      t,
      series: [series("commits", "commits", r("xact_commit"), "line"), series("rollbacks", "rollbacks", r("xact_rollback"), "line")],
    },
    {
      id: "cache_hit",
      title: "Cache hit ratio",
      unit: "ratio",
      scope,
      stacked: false,
      t,
      series: [series("cache_hit", "shared buffers hit", ratioSeries(counter(points, "blks_hit", epoch), counter(points, "blks_read", epoch)), "line")],
      note: "Blocks found in shared_buffers over blocks requested in each interval; reads may still come from the OS cache.",
    },
    {
      id: "rows",
      title: "Rows per second",
      unit: "rows/s",
      scope,
      stacked: false,
      t,
      series: ["returned", "fetched", "inserted", "updated", "deleted"].map((k) => series(k, k, r(`tup_${k}`), "line")),
    },
    { id: "temp_bytes", title: "Temporary files written", unit: "bytes/s", scope, stacked: false, t, series: [series("temp_bytes", "temp bytes", r("temp_bytes"))] },
    { id: "deadlocks", title: "Deadlocks", unit: "per minute", scope, stacked: false, t, series: [series("deadlocks", "deadlocks", r("deadlocks", 60))] },
  ];
}

function serverCharts(points: Point[]): MetricChart[] {
  const t = points.map((p) => p.at);
  const standby = points.some((p) => p.in_recovery === 1);
  const waits: [string, string][] = [["cpu", "CPU (not waiting)"], ["lock", "Lock"], ["lwlock", "LWLock"], ["io", "IO"], ["ipc", "IPC"], ["client", "Client"], ["other", "other"]];
  const charts: MetricChart[] = [
    {
      id: "wait_events",
      title: "Active sessions by wait event type",
      unit: "sessions",
      scope: "server",
      stacked: true,
      t,
      series: waits.map(([k, label]) => series(k, label, gauge(points, `wait_${k}`))),
    },
    {
      id: "wal",
      title: standby ? "WAL received and replayed" : "WAL generated",
      unit: "bytes/s",
      scope: "server",
      stacked: false,
      t,
      series: standby
        ? [series("received", "received", rates(points, "receive_lsn", walEpoch), "line"), series("replayed", "replayed", rates(points, "replay_lsn", walEpoch), "line")]
        : [series("generated", "generated", rates(points, "wal_lsn", walEpoch))],
    },
    {
      id: "checkpoints",
      title: "Checkpoints: requested vs timed",
      unit: "per hour",
      scope: "server",
      stacked: false,
      t,
      series: [
        series("requested", "requested", rates(points, "ckpt_requested", checkpointEpoch, 3600), "line"),
        series("timed", "timed", rates(points, "ckpt_timed", checkpointEpoch, 3600), "line"),
      ],
      note: "Mostly requested checkpoints mean max_wal_size is too small for the write load.",
    },
    { id: "longest_transaction", title: "Longest open transaction", unit: "seconds", scope: "server", stacked: false, t, series: [series("longest", "longest transaction", gauge(points, "longest_xact_s"), "line")] },
    {
      id: "xmin_age",
      title: "Oldest xmin horizon age",
      unit: "transactions",
      scope: "server",
      stacked: false,
      t,
      series: [series("xmin_age", "age of the oldest xmin (sessions, slots, prepared)", gauge(points, "oldest_xmin_age"), "line")],
      note: "What VACUUM cannot clean up behind: a long transaction, a replication slot or a prepared transaction.",
    },
  ];
  const replay = gauge(points, "replay_lag_s");
  const standbyLag = gauge(points, "standby_lag_s");
  if (replay.some((v) => v !== null) || standbyLag.some((v) => v !== null)) {
    charts.push({
      id: "replication_lag",
      title: standby ? "Replay lag" : "Furthest standby's replay lag",
      unit: "seconds",
      scope: "server",
      stacked: false,
      t,
      series: [series("lag", "lag", standby ? replay : standbyLag, "line")],
      note: standby ? "Time since the last replayed transaction: it grows on an idle primary although nothing is behind." : undefined,
    });
  }
  return charts;
}

const DAY_MS = 86_400_000;

function sizesChart(input: ChartInput, scope: "server" | "database"): MetricChart {
  const t = [...new Set(input.sizes.map((s) => s.at))].sort((a, b) => a - b);
  const index = new Map(t.map((x, i) => [x, i]));
  const byDb = new Map<string, (number | null)[]>();
  for (const s of input.sizes) {
    const values = byDb.get(s.datname) ?? t.map(() => null);
    values[index.get(s.at)!] = s.size;
    byDb.set(s.datname, values);
  }
  return {
    id: "database_sizes",
    title: "Database sizes",
    unit: "bytes",
    scope,
    stacked: false,
    t,
    series: [...byDb].map(([name, values]) => series(name, name, values, "line")),
    // Extrapolating less than an hour of growth to a day would mostly show noise.
    growth: input.growth.map((g) => ({
      database: g.datname,
      sizeBytes: g.last,
      bytesPerDay: g.first !== null && g.last !== null && g.span_ms !== null && g.span_ms >= 3_600_000 ? ((g.last - g.first) / g.span_ms) * DAY_MS : null,
    })),
  };
}

/** Every chart of the overview, each cut to [from, …). */
export function buildCharts(input: ChartInput): MetricChart[] {
  const db = input.database;
  const charts: MetricChart[] = db
    ? [connections(db.points, input.server, "database"), ...databaseCharts(db.points, databaseEpoch, "database")]
    : [connections(input.server, input.server, "server"), ...databaseCharts(input.server, serverDbEpoch, "server")];
  charts.push(sizesChart(input, db ? "database" : "server"), ...serverCharts(input.server));
  return charts.map((c) => (c.id === "database_sizes" ? c : visible(c, input.from)));
}
