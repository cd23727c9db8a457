import "server-only";
import { z } from "zod";

// Numbers come from the environment as strings; empty means "use the default".
const ms = (def: number) =>
  z.preprocess((v) => (v === "" || v === undefined ? undefined : v), z.coerce.number().int().min(0).default(def));

const EnvSchema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  PGWARDEN_SERVERS: z.string().min(1).optional(),
  PGWARDEN_STATEMENT_TIMEOUT_MS: ms(5_000),
  PGWARDEN_LOCK_TIMEOUT_MS: ms(1_000),
  PGWARDEN_IDLE_TX_TIMEOUT_MS: ms(10_000),
  PGWARDEN_CONNECT_TIMEOUT_MS: ms(3_000),
  PGWARDEN_POOL_MAX: ms(3),
  /**
   * How long a coalesced read is reused: a little under the 2 s poll interval, so that pollers at
   * any phase share one query per interval (at 1.5 s, 50 pollers caused 1.4 queries per interval).
   */
  PGWARDEN_READ_TTL_MS: ms(1_950),

  // ---- monitoring (sampler, metric history, Prometheus) -- issue 12 ----
  /** Seconds between two samples of one server (each replica samples only the servers it leases). */
  PGWARDEN_SAMPLE_INTERVAL_S: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : v),
    z.coerce.number().int().min(1).max(3_600).default(15),
  ),
  /** Days of metric history kept in the store (hourly points); older partitions are dropped. */
  PGWARDEN_METRICS_RETENTION_DAYS: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : v),
    z.coerce.number().int().min(2).max(3_650).default(14),
  ),
  /** "off" keeps this replica from sampling (a web-only replica); others still do. */
  PGWARDEN_SAMPLER: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["on", "off"]).default("on")),
  /** Bearer token for GET /metrics (Prometheus). Unset: /metrics answers 404. */
  PGWARDEN_METRICS_TOKEN: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().min(16, "use at least 16 characters").optional(),
  ),
  // ---- end monitoring ----
});

export type Env = z.infer<typeof EnvSchema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`pgwarden: invalid environment\n${lines.join("\n")}`);
  }
  cached = parsed.data;
  return cached;
}

/** Tests change the environment between cases. */
export function resetEnvCache() {
  cached = undefined;
}
