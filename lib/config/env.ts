import "server-only";
import { z } from "zod";

// Numbers come from the environment as strings; empty means "use the default".
const ms = (def: number, min = 0, max = 2_147_483_647) =>
  z.preprocess((v) => (v === "" || v === undefined ? undefined : v), z.coerce.number().int().min(min).max(max).default(def));

const EnvSchema = z.object({
  DATABASE_URL: z.string().min(1).optional(),
  PGWARDEN_SERVERS: z.string().min(1).optional(),
  PGWARDEN_STATEMENT_TIMEOUT_MS: ms(5_000),
  PGWARDEN_LOCK_TIMEOUT_MS: ms(1_000),
  PGWARDEN_IDLE_TX_TIMEOUT_MS: ms(10_000),
  PGWARDEN_CONNECT_TIMEOUT_MS: ms(3_000),
  /**
   * Connections to ONE monitored server, all its databases together: a connection storm must not
   * find the console holding many slots (and, as superuser, the reserved ones).
   */
  PGWARDEN_POOL_MAX: ms(3, 1, 100),
  /** An idle connection to a monitored server is closed after this long. */
  PGWARDEN_POOL_IDLE_MS: ms(10_000),
  /** How long a request waits for one of the server's connections before "console busy" (503). */
  PGWARDEN_POOL_WAIT_MS: ms(10_000),
  /** Requests waiting per server beyond this are answered "console busy" at once. */
  PGWARDEN_POOL_QUEUE_MAX: ms(1_000),
  /**
   * statement_timeout of background snapshots (sizes, bloat estimates over every relation): they
   * are computed once for all viewers, and on 10,000+ tables need more than a poll's 5 s.
   */
  PGWARDEN_BACKGROUND_STATEMENT_TIMEOUT_MS: ms(30_000),
  /**
   * How long a coalesced read is reused: a little under the 2 s poll interval, so that pollers at
   * any phase share one query per interval (at 1.5 s, 50 pollers caused 1.4 queries per interval).
   */
  PGWARDEN_READ_TTL_MS: ms(1_950),
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
