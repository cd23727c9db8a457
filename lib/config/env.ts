import "server-only";
import os from "node:os";
import { ROLES } from "@/lib/auth/permissions";
import { z } from "@/lib/schemas/zod";

// Numbers come from the environment as strings; empty means "use the default".
const ms = (def: number, min = 0, max = 2_147_483_647) =>
  z.preprocess((v) => (v === "" || v === undefined ? undefined : v), z.coerce.number().int().min(min).max(max).default(def));

const optionalText = z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).optional());

// --- query text per role (issue 8) -------------------------------------------------------------
// PGWARDEN_QUERY_TEXT: "full" or "normalized" for every role, or per role as
// "viewer=normalized,operator=full"; roles left out keep the default below.
const QUERY_TEXT_MODES = ["full", "normalized"] as const;
const DEFAULT_QUERY_TEXT: Record<string, (typeof QUERY_TEXT_MODES)[number]> = { viewer: "normalized", operator: "full", admin: "full" };

function queryTextSetting() {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const out = { ...DEFAULT_QUERY_TEXT };
      const value = raw?.trim() ?? "";
      if (value === "") return out;
      const isMode = (m: string): m is (typeof QUERY_TEXT_MODES)[number] => (QUERY_TEXT_MODES as readonly string[]).includes(m);
      if (isMode(value)) return Object.fromEntries(ROLES.map((r) => [r, value]));
      for (const part of value.split(",")) {
        const [role = "", mode = "", ...rest] = part.split("=").map((x) => x.trim());
        if (!(ROLES as readonly string[]).includes(role) || !isMode(mode) || rest.length > 0) {
          ctx.addIssue({
            code: "custom",
            message: `"${part.trim()}" is not ROLE=MODE (roles: ${ROLES.join(", ")}; modes: full, normalized), e.g. viewer=normalized,operator=full,admin=full`,
          });
          return z.NEVER;
        }
        out[role] = mode;
      }
      return out;
    });
}

// Every environment variable the console reads is here, parsed once (env()) and checked at start
// (instrumentation.ts → lib/auth/startup.ts). Three documented exceptions read process.env
// directly because they run where this server-only module cannot be imported:
// - proxy.ts (Edge runtime): PGWARDEN_PUBLIC_ORIGIN for HSTS, PGWARDEN_COOP, and NODE_ENV for the dev CSP;
// - next.config.js (build config): PGWARDEN_DIST_DIR, a separate build directory for tests;
// - instrumentation.ts: NEXT_RUNTIME, set by Next to tell the Node runtime from the Edge one.
// lib/cli (demo, bench, user admin) and lib/embedded (test/demo clusters) are entry points with
// their own arguments and may read process.env too.
const EnvSchema = z.object({
  NODE_ENV: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
  /** `npm run demo` (lib/cli/demo.ts): a local console with a throw-away store and secret */
  PGWARDEN_DEMO: z.preprocess((v) => v === "1", z.boolean()),
  /** keys the HMAC of session cookies; checked (length, sample values) by lib/auth/secret.ts at start */
  PGWARDEN_SECRET: optionalText,
  /** the origin the browser uses (https://pgwarden.example.com): CSRF check, cookie prefix, HSTS */
  PGWARDEN_PUBLIC_ORIGIN: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^https?:\/\/[^/\s]+\/*$/, "must be an origin such as https://pgwarden.example.com (scheme and host, no path)")
      .optional(),
  ),
  /**
   * Cross-Origin-Opener-Policy of every response (proxy.ts); unset: none. Off by default: in a
   * fresh tab it makes the browser swap renderer processes (≈ 150 ms before the first rows).
   */
  PGWARDEN_COOP: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["same-origin", "same-origin-allow-popups"]).optional()),
  /** set by `next start` once it listens (next/dist/server/lib/start-server.js): its own address, for lib/api/warm-up.ts */
  __NEXT_PRIVATE_ORIGIN: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
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

  // The console's own database (lib/store). Unset: an embedded PostgreSQL in PGWARDEN_DATA_DIR.
  /** the console's login: a non-superuser that is not the schema owner (member of pgwarden_store_app) */
  PGWARDEN_STORE_URL: optionalText,
  /** the schema owner, for migrations at start; defaults to PGWARDEN_STORE_URL (then refused in production) */
  PGWARDEN_STORE_MIGRATION_URL: optionalText,
  PGWARDEN_DATA_DIR: z.preprocess((v) => (v === "" ? undefined : v), z.string().default(".pgwarden/store")),
  /** the embedded store's socket name (.s.PGSQL.<port>); it listens on no TCP port */
  PGWARDEN_STORE_PORT: ms(54_329),
  PGWARDEN_STORE_POOL_MAX: ms(10),
  /** how long a request waits for a free store connection in a burst before it gets a 503 */
  PGWARDEN_STORE_WAIT_MS: ms(10_000),

  // Sign-in (lib/auth/login.ts, lib/store/throttle.ts, lib/auth/client-address.ts).
  /** reverse proxies in front of the console whose X-Forwarded-For entries are believed */
  PGWARDEN_TRUSTED_PROXIES: z.preprocess((v) => (v === "" || v === undefined ? undefined : v), z.coerce.number().int().min(0).max(10).default(0)),
  /** wrong passwords per (user, address) before exponential back-off starts */
  PGWARDEN_LOGIN_MAX_FAILURES: ms(5),
  /** wrong passwords per address (any user) in PGWARDEN_LOGIN_LOCK_MINUTES before the address waits */
  PGWARDEN_LOGIN_MAX_FAILURES_PER_ADDRESS: ms(20),
  /** the longest back-off, and the window of the per-address count */
  PGWARDEN_LOGIN_LOCK_MINUTES: ms(15),
  /**
   * password hashes (scrypt, ~100 ms of a core and 32 MiB each) computed at once; more sign-ins get
   * 429 + Retry-After. Default: half the cores (at least 1), so hashing never starves the event loop.
   */
  PGWARDEN_LOGIN_MAX_CONCURRENT_HASHES: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : v),
    z.coerce.number().int().min(1).max(64).default(Math.max(1, Math.floor(os.availableParallelism() / 2))),
  ),
  PGWARDEN_QUERY_TEXT: queryTextSetting(),
  /** A lint that runs longer is stopped ("too complex to lint in N s"); its worker is replaced. */
  PGWARDEN_LINT_TIME_LIMIT_MS: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : v),
    z.coerce.number().int().min(100).max(600_000).default(10_000),
  ),
  // ---- monitoring (sampler, metric history, Prometheus) -- issue 12 ----
  /** Seconds between two samples of one server (each replica samples only the servers it leases). */
  PGWARDEN_SAMPLE_INTERVAL_S: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : v),
    z.coerce.number().int().min(1).max(3_600).default(15),
  ),
  /**
   * Seconds between two background health runs per server (every check, for the fleet cards' worst
   * finding). The checks read a lot of catalog: minutes, not the sample interval. 0: no background
   * runs (cards then show page views' runs only).
   */
  PGWARDEN_HEALTH_INTERVAL_S: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : v),
    z.coerce.number().int().min(0).max(86_400).default(300).refine((n) => n === 0 || n >= 10, "0 (off) or at least 10 seconds"),
  ),
  /**
   * Besides the default database, how many other databases of a server each background health
   * run checks, those checked longest ago first (lib/monitoring/health-databases.ts). 0: the
   * default database only.
   */
  PGWARDEN_HEALTH_OTHER_DATABASES: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : v),
    z.coerce.number().int().min(0).max(1_000).default(10),
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
  // ---- queries (pg_stat_statements history, EXPLAIN) -- issue 13 ----
  /** Seconds between two pg_stat_statements snapshots of one server (deltas are per interval). */
  PGWARDEN_STATEMENTS_INTERVAL_S: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : v),
    z.coerce.number().int().min(1).max(3_600).default(60),
  ),
  /** statement_timeout (SET LOCAL) of an admin's EXPLAIN ANALYZE, in its read-only transaction. */
  PGWARDEN_EXPLAIN_TIMEOUT_MS: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : v),
    z.coerce.number().int().min(100).max(600_000).default(10_000),
  ),
  // ---- end queries ----
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
