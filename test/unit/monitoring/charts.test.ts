import { describe, expect, it } from "vitest";
import { buildCharts, type Point } from "@/lib/monitoring/charts";

const START = 1_700_000_000_000;

function point(i: number, over: Record<string, number | null> = {}): Point {
  const at = START + i * 15_000;
  return {
    at,
    lastAt: at,
    postmaster_start: 1,
    db_epoch: 7,
    in_recovery: 0,
    max_connections: 100,
    conn_total: 10,
    conn_active: 2,
    conn_idle: 5,
    conn_idle_in_xact: 1,
    xact_commit: 1000 + i * 150,
    xact_rollback: 0,
    blks_hit: i * 100,
    blks_read: 0,
    wal_lsn: 1e9 + i * 15_000,
    ckpt_timed: 1,
    ckpt_requested: 0,
    ckpt_reset: 5,
    ...over,
  } as Point;
}

const chart = (charts: ReturnType<typeof buildCharts>, id: string) => charts.find((c) => c.id === id)!;
const values = (charts: ReturnType<typeof buildCharts>, id: string, key: string) => chart(charts, id).series.find((s) => s.key === key)!.values;

describe("buildCharts", () => {
  it("cuts the point read only for the first rate, and gives that first visible point its rate", () => {
    const charts = buildCharts({ server: [0, 1, 2].map((i) => point(i)), sizes: [], growth: [], from: START + 10_000 });
    expect(chart(charts, "tps").t).toEqual([START + 15_000, START + 30_000]);
    expect(values(charts, "tps", "commits")).toEqual([10, 10]);
    expect(values(charts, "wal", "generated")).toEqual([1000, 1000]);
  });

  it("a restart (new postmaster start) leaves that interval empty in every counter chart", () => {
    const server = [point(0), point(1), point(2, { postmaster_start: 2, xact_commit: 10, wal_lsn: 2e9 }), point(3, { postmaster_start: 2, xact_commit: 160, wal_lsn: 2e9 + 15_000 })];
    const charts = buildCharts({ server, sizes: [], growth: [], from: START });
    expect(values(charts, "tps", "commits")).toEqual([null, 10, null, 10]);
    expect(values(charts, "wal", "generated")).toEqual([null, 1000, null, 1000]);
    expect(values(charts, "checkpoints", "timed")).toEqual([null, 0, null, 0]);
  });

  it("connections: states stacked, the rest as 'other', max_connections as a line", () => {
    const charts = buildCharts({ server: [point(0)], sizes: [], growth: [], from: START });
    const c = chart(charts, "connections");
    expect(c.stacked).toBe(true);
    expect(values(charts, "connections", "other")).toEqual([2]);
    expect(c.series.find((s) => s.key === "max_connections")).toMatchObject({ style: "line", values: [100] });
  });

  it("with a database: its own counters and epoch (stats_reset), server-wide charts stay server-wide", () => {
    const db = [0, 1, 2].map((i) => point(i, { backends: 4, stats_reset: i < 2 ? 1 : 2, datid: 5, xact_commit: i === 2 ? 3 : 100 + i * 30 }));
    const charts = buildCharts({ server: [0, 1, 2].map((i) => point(i)), database: { name: "shop", points: db }, sizes: [], growth: [], from: START });
    expect(chart(charts, "tps").scope).toBe("database");
    expect(values(charts, "tps", "commits")).toEqual([null, 2, null]);
    expect(values(charts, "connections", "other")).toEqual([0, 0, 0]); // backends 4 = 2 + 1 + 5 clamped
    expect(chart(charts, "wait_events").scope).toBe("server");
  });

  it("a standby shows received/replayed WAL and a replay lag chart with its caveat", () => {
    const server = [0, 1].map((i) => point(i, { in_recovery: 1, wal_lsn: null, receive_lsn: 1000 + i * 1500, replay_lsn: 1000 + i * 750, replay_lag_s: 3 }));
    const charts = buildCharts({ server, sizes: [], growth: [], from: START });
    expect(chart(charts, "wal").series.map((s) => s.key)).toEqual(["received", "replayed"]);
    expect(values(charts, "wal", "replayed")).toEqual([null, 50]);
    expect(chart(charts, "replication_lag").note).toMatch(/idle primary/);
    expect(buildCharts({ server: [point(0)], sizes: [], growth: [], from: START }).some((c) => c.id === "replication_lag")).toBe(false);
  });

  it("database sizes: one series per database on its own time grid; growth per day only from an hour of history", () => {
    const sizes = [
      { datname: "a", at: START, size: 100 },
      { datname: "b", at: START, size: 5 },
      { datname: "a", at: START + 300_000, size: 110 },
    ];
    const growth = [
      { datname: "a", first: 1000, last: 2000, span_ms: 12 * 3_600_000 },
      { datname: "b", first: 5, last: 6, span_ms: 600_000 },
    ];
    const c = chart(buildCharts({ server: [], sizes, growth, from: START }), "database_sizes");
    expect(c.t).toEqual([START, START + 300_000]);
    expect(c.series).toEqual([
      { key: "a", label: "a", values: [100, 110], style: "line" },
      { key: "b", label: "b", values: [5, null], style: "line" },
    ]);
    expect(c.growth).toEqual([
      { database: "a", sizeBytes: 2000, bytesPerDay: 2000 },
      { database: "b", sizeBytes: 6, bytesPerDay: null },
    ]);
  });
});
