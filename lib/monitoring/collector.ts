import "server-only";
import type { PgbouncerConfig, ServerConfig } from "@/lib/config/servers";

// A collector is one kind of periodic read of a monitored server and where it goes in the store.
// The sampler (sampler.ts) owns scheduling, leases, concurrency and error isolation; a collector
// only reads and stores. Issue 13 adds a pg_stat_statements snapshot collector and issue 14 a
// PgBouncer SHOW POOLS collector by writing one and listing it in collectors/index.ts.

/** What a collector samples: a PostgreSQL server or a PgBouncer entry of the servers file. */
export type SampledTarget = ServerConfig | PgbouncerConfig;

export interface CollectorContext<S extends SampledTarget = ServerConfig> {
  server: S;
  /** epoch ms when the read finished: the time the point is stored under */
  at: number;
  /** this collector's interval, seconds */
  intervalS: number;
}

export interface Collector<T = unknown, S extends SampledTarget = ServerConfig> {
  /** unique, stable (it keys the schedule) */
  name: string;
  /** which entries it samples: PostgreSQL servers (default) or PgBouncers ("kind": "pgbouncer") */
  target?: "postgres" | "pgbouncer";
  /** seconds between two runs for one server */
  intervalS(): number;
  /**
   * At most this many runs of this collector at once on a replica (default: only the sampler's
   * overall limit). A heavy collector taking many servers over at once must not hold every run
   * slot while the 15 s samples wait.
   */
  maxConcurrent?: number;
  /** default: every configured server */
  appliesTo?(server: S): boolean;
  /** reads the monitored server; throws (a DbError for database failures) when it cannot */
  read(server: S): Promise<T>;
  /** writes what read() returned into the store */
  store(ctx: CollectorContext<S>, value: T): Promise<void>;
  /** after a failed read (the core collector records the server as down) */
  failed?(ctx: CollectorContext<S>, err: unknown): Promise<void>;
  /**
   * Called when this replica takes servers over: when this collector last stored something for
   * each (epoch ms), so the current interval is not repeated (without it the first run is at once).
   * One query for all the servers taken: it may also prime what the collector keeps per server.
   */
  lastRunTimes?(servers: string[]): Promise<Map<string, number | null>>;
}

/** Any collector, as the sampler holds them (each is only given entries of its own target). */
export type AnyCollector = Collector<unknown, SampledTarget>;

export function targetKind(t: SampledTarget): "postgres" | "pgbouncer" {
  return t.kind === "pgbouncer" ? "pgbouncer" : "postgres";
}
