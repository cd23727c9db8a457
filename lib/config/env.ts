import "server-only";
import { z } from "zod";
import { ROLES } from "@/lib/auth/permissions";

// Numbers come from the environment as strings; empty means "use the default".
const ms = (def: number) =>
  z.preprocess((v) => (v === "" || v === undefined ? undefined : v), z.coerce.number().int().min(0).default(def));

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
  PGWARDEN_QUERY_TEXT: queryTextSetting(),
  /** A lint that runs longer is stopped ("too complex to lint in N s"); its worker is replaced. */
  PGWARDEN_LINT_TIME_LIMIT_MS: z.preprocess(
    (v) => (v === "" || v === undefined ? undefined : v),
    z.coerce.number().int().min(100).max(600_000).default(10_000),
  ),
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
